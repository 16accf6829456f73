'use client';

import { BLOCK_TYPES, RUN_STATUSES, type RunDto } from '@gradlab/contracts';
import { architectureSummary, BLOCK_TYPE_LABELS } from '@gradlab/figures';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { QuotaLine } from '../../components/quota-line';
import { formatDuration, formatPercent, runDuration } from '../../lib/format';
import { useApi } from '../../lib/api-context';
import { useNow } from '../../lib/use-now';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { LocalTime } from '../../components/local-time';
import { DataTable } from '../../components/data-table';
import { RUNS_PAGE_SIZE, useRunsList } from './use-runs-list';

/** The coursework's depths, always offered; others appear once a listed run has them. */
const DEPTHS = ['VGG_08', 'VGG_38'];

/** The list's filters, kept in the address: a name search (as you type), status, block type and depth. */
function RunFilters(props: {
  params: URLSearchParams;
  setParam: (key: string, value: string) => void;
  listed: RunDto[];
}) {
  const { params, setParam, listed } = props;
  const [search, setSearch] = useState(params.get('q') ?? '');
  // Search as you type, without a request per keystroke.
  useEffect(() => {
    if (search === (params.get('q') ?? '')) return;
    const timer = setTimeout(() => setParam('q', search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search, params, setParam]);
  return (
    <div className="filters">
      <label>
        Search
        <input
          type="search"
          placeholder="run name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Search runs by name"
        />
      </label>
      <label>
        Status
        <select value={params.get('status') ?? ''} onChange={(e) => setParam('status', e.target.value)}>
          <option value="">any</option>
          {RUN_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Block type
        <select value={params.get('blockType') ?? ''} onChange={(e) => setParam('blockType', e.target.value)}>
          <option value="">any</option>
          {BLOCK_TYPES.map((b) => (
            <option key={b} value={b}>
              {BLOCK_TYPE_LABELS[b]} ({b})
            </option>
          ))}
        </select>
      </label>
      <label>
        Depth
        <select value={params.get('architecture') ?? ''} onChange={(e) => setParam('architecture', e.target.value)}>
          <option value="">any</option>
          {[...new Set([...DEPTHS, ...listed.map((r) => r.architecture), params.get('architecture') ?? ''])]
            .filter(Boolean)
            .sort()
            .map((d) => (
              <option key={d}>{d}</option>
            ))}
        </select>
      </label>
    </div>
  );
}

/** One run of the list: its progress (`done`, epochs and batches) and duration, as of `now`. */
function RunRow({ run, done, now }: { run: RunDto; done: number; now: number | null }) {
  const total = run.config.training.epochs;
  const duration = runDuration(run, now);
  return (
    <tr>
      <td>
        <Link href={`/runs/${run.id}`}>{run.name}</Link>
        {run.kind === 'imported' && <span className="status"> imported</span>}
      </td>
      <td>{architectureSummary(run)}</td>
      <td>
        <StatusBadge status={run.status} />
      </td>
      <td>
        <ProgressBar value={done} label={`${run.name}: ${run.epochsCompleted} of ${total} epochs done`} />
        <span className="muted">
          {run.epochsCompleted} of {total}
        </span>
      </td>
      <td>{formatPercent(run.bestValAccuracy)}</td>
      <td>{run.backend ?? '–'}</td>
      <td>
        <LocalTime iso={run.startedAt} />
      </td>
      <td>{duration === null ? '–' : formatDuration(duration)}</td>
    </tr>
  );
}

/** The team's runs, newest first, filtered server-side; unfinished runs update live. */
export function RunsView() {
  const { apiUrl } = useApi();
  const now = useNow(1000);
  const { params, page, filterQuery, data, error, done, setParam } = useRunsList();
  const pages = data ? Math.max(1, Math.ceil(data.total / RUNS_PAGE_SIZE)) : 1;
  return (
    <section>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>Runs</h1>
        <div className="row">
          {/* The table as it is filtered now, every page of it. */}
          <a href={`${apiUrl}/api/runs.csv?${filterQuery}`} download data-testid="runs-csv">
            Download CSV
          </a>
          <Link href="/runs/new">New run</Link>
        </div>
      </div>
      <QuotaLine />
      <RunFilters params={params} setParam={setParam} listed={data?.items ?? []} />
      {error && !data && <p className="error">Could not load the runs: {error.message}</p>}
      <DataTable
        testId="runs-table"
        headers={['Name', 'Architecture', 'Status', 'Progress', 'Best val. acc.', 'Backend', 'Started', 'Duration']}
      >
        {data?.items.map((run) => (
          <RunRow key={run.id} run={run} done={done(run)} now={now} />
        ))}
        {data && data.items.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">
              No runs match. <Link href="/runs/new">Start one.</Link>
            </td>
          </tr>
        )}
      </DataTable>
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => setParam('page', String(page - 1))}>
          Previous
        </button>
        <span>
          Page {page} of {pages} {data && <span className="muted">({data.total} runs)</span>}
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setParam('page', String(page + 1))}>
          Next
        </button>
      </div>
    </section>
  );
}
