'use client';

import type { EpochDto, GradientFlowDto, PageDto, RunDto } from '@gradlab/contracts';
import { architectureSummary, gradientFlowSpec, learningCurvesSpec } from '@gradlab/figures';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { ApiError } from '../lib/api-client';
import { formatPercent } from '../lib/format';
import { useApiResource } from '../lib/use-api-resource';
import { StatusBadge } from './status-badge';
import { VegaChart } from './vega-chart';

interface ComparedRun {
  run: RunDto;
  label: string;
  epochs: EpochDto[];
  flow: GradientFlowDto | null;
}

/** Runs chosen in the picker, overlaid: the coursework's Figure 1 and gradient flow by relative depth. */
export function CompareView() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  // The picker answers at once; the address follows, so a comparison can be bookmarked and shared.
  const [selected, setSelected] = useState(() => (params.get('runs') ?? '').split(',').filter(Boolean));
  const [search, setSearch] = useState('');

  const candidates = useApiResource(`candidates:${search}`, (fetchJson) =>
    fetchJson<PageDto<RunDto>>(`/runs?pageSize=50${search.trim() ? `&q=${encodeURIComponent(search.trim())}` : ''}`),
  );
  const compared = useApiResource(selected.length ? selected.join(',') : null, async (fetchJson) => {
    const runs = await Promise.all(
      selected.map(async (id) => {
        const [run, epochs] = await Promise.all([fetchJson<RunDto>(`/runs/${id}`), fetchJson<EpochDto[]>(`/runs/${id}/epochs`)]);
        const flow = await fetchJson<GradientFlowDto>(`/runs/${id}/gradient-flow`).catch((e) => {
          if (e instanceof ApiError && e.status === 404) return null; // no epoch finished yet
          throw e;
        });
        return { run, epochs, flow };
      }),
    );
    // Two runs may share a name; the legend must still tell them apart.
    return runs.map((r): ComparedRun => ({ ...r, label: runs.filter((o) => o.run.name === r.run.name).length > 1 ? `${r.run.name} (${r.run.id.slice(0, 8)})` : r.run.name }));
  });

  const toggle = (id: string) => {
    const next = selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
    setSelected(next);
    const query = new URLSearchParams(params);
    if (next.length) query.set('runs', next.join(','));
    else query.delete('runs');
    router.replace(`${pathname}?${query}`);
  };

  const rows = compared.data ?? [];
  const withEpochs = rows.filter((r) => r.epochs.length > 0);
  const withFlow = rows.filter((r): r is ComparedRun & { flow: GradientFlowDto } => r.flow !== null);
  return (
    <section>
      <h1>Compare runs</h1>
      <div className="card">
        <h2>Pick runs</h2>
        <input type="search" placeholder="filter by name" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Filter runs to pick" />
        <div className="picker" data-testid="run-picker">
          {candidates.data?.items.map((run) => (
            <label key={run.id} className="row" style={{ flexDirection: 'row' }}>
              <input type="checkbox" checked={selected.includes(run.id)} onChange={() => toggle(run.id)} aria-label={`Compare ${run.name}`} />
              <span>{run.name}</span>
              <span className="muted">{architectureSummary(run)}</span>
              <StatusBadge status={run.status} />
            </label>
          ))}
        </div>
      </div>
      {selected.length === 0 && <p className="muted">Pick two or more runs, e.g. VGG_08 and VGG_38, to draw the coursework&apos;s Figure 1.</p>}
      {compared.error && <p className="error">Could not load the runs: {compared.error.message}</p>}
      {rows.length > 0 && (
        <>
          <table data-testid="compared-runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Architecture</th>
                <th>Status</th>
                <th>Epochs</th>
                <th>Best val. acc.</th>
                <th>Test acc.</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ run, label }) => (
                <tr key={run.id}>
                  <td>
                    <Link href={`/runs/${run.id}`}>{label}</Link>
                  </td>
                  <td>{architectureSummary(run)}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>
                    {run.epochsCompleted} / {run.config.training.epochs}
                  </td>
                  <td>{formatPercent(run.bestValAccuracy)}</td>
                  <td>{formatPercent(run.testAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="card">
            <h2>Training and validation loss and accuracy</h2>
            {withEpochs.length ? (
              <VegaChart spec={learningCurvesSpec(withEpochs.map((r) => ({ label: r.label, epochs: r.epochs })))} testId="compare-curves" label="Loss and accuracy of the compared runs" />
            ) : (
              <p className="muted">None of these runs has finished an epoch.</p>
            )}
          </div>
          <div className="card">
            <h2>Gradient flow by relative depth (latest epoch)</h2>
            {withFlow.length ? (
              <VegaChart spec={gradientFlowSpec(withFlow.map((r) => ({ label: r.label, layers: r.flow.layers })), { byRelativeDepth: true })} testId="compare-gradient-flow" label="Gradient flow of the compared runs" />
            ) : (
              <p className="muted">No gradient flow recorded yet.</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
