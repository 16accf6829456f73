'use client';

import { BLOCK_TYPES, FINISHED_STATUSES, RUN_STATUSES } from '@gradlab/contracts';
import { architectureSummary, BLOCK_TYPE_LABELS } from '@gradlab/figures';
import Link from 'next/link';
import { QuotaLine } from '../../components/quota-line';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { formatDuration, formatPercent, runDuration } from '../../lib/format';
import type { BatchProgress } from '../../lib/progress';
import { epochFraction, withEpoch } from '../../lib/progress';
import { useApi } from '../../lib/api-context';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { answerOf, type paths } from '@gradlab/api-client';
import { useNow } from '../../lib/use-now';
import { useSocketEvents } from '../../lib/use-socket-events';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { LocalTime } from '../../components/local-time';
import { DataTable } from '../../components/data-table';

const PAGE_SIZE = 25;
/** The coursework's depths, always offered; others appear once a listed run has them. */
const DEPTHS = ['VGG_08', 'VGG_38'];
const FILTER_KEYS = ['status', 'blockType', 'architecture', 'q'] as const;
type RunsQuery = NonNullable<paths['/api/runs']['get']['parameters']['query']>;

/** The team's runs, newest first, filtered server-side; unfinished runs update live. */
export function RunsView() {
  const { apiUrl } = useApi();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const now = useNow(1000);

  const filters = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters.set(key, value);
  }
  const filterQuery = filters.toString();
  // The filters as the address has them: the api checks them and answers 400 for one it does not know.
  const query = { page, pageSize: PAGE_SIZE, ...Object.fromEntries(filters) } as RunsQuery;
  const { data, error, setData } = useApiQuery(queryKeys.runs(query), (api) =>
    answerOf(api.GET('/api/runs', { params: { query } })),
  );
  const [progress, setProgress] = useState<Record<string, BatchProgress>>({});

  const setParam = useCallback(
    (key: string, value: string) => {
      const next = new URLSearchParams(params);
      if (value) next.set(key, value);
      else next.delete(key);
      if (key !== 'page') next.delete('page');
      router.replace(`${pathname}?${next}`);
    },
    [params, pathname, router],
  );

  // Search as you type, without a request per keystroke.
  useEffect(() => {
    if (search === (params.get('q') ?? '')) return;
    const timer = setTimeout(() => setParam('q', search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search, params, setParam]);

  const live = (data?.items ?? []).filter((r) => !FINISHED_STATUSES.includes(r.status)).map((r) => r.id);
  useSocketEvents(
    { runIds: live },
    {
      'run.updated': (run) => setData((d) => d && { ...d, items: d.items.map((r) => (r.id === run.id ? run : r)) }),
      'run.progress': (p) => setProgress((all) => ({ ...all, [p.runId]: p })),
      'epoch.completed': ({ runId, epoch }) =>
        setData((d) => d && { ...d, items: d.items.map((r) => (r.id === runId ? withEpoch(r, epoch) : r)) }),
    },
  );

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
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
            {[
              ...new Set([
                ...DEPTHS,
                ...(data?.items.map((r) => r.architecture) ?? []),
                params.get('architecture') ?? '',
              ]),
            ]
              .filter(Boolean)
              .sort()
              .map((d) => (
                <option key={d}>{d}</option>
              ))}
          </select>
        </label>
      </div>
      {error && !data && <p className="error">Could not load the runs: {error.message}</p>}
      <DataTable
        testId="runs-table"
        headers={['Name', 'Architecture', 'Status', 'Progress', 'Best val. acc.', 'Backend', 'Started', 'Duration']}
      >
        {data?.items.map((run) => {
          const total = run.config.training.epochs;
          const done =
            (run.epochsCompleted +
              (run.status === 'running' ? epochFraction(progress[run.id] ?? null, run.epochsCompleted) : 0)) /
            total;
          const duration = runDuration(run, now);
          return (
            <tr key={run.id}>
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
        })}
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
