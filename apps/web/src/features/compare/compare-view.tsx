'use client';

import type { EpochDto, GradientFlowDto, RunDto } from '@gradlab/contracts';
import { architectureSummary, coloursById, fitWidth, gradientFlowSpec, learningCurvesForWidth } from '@gradlab/figures';
import Link from 'next/link';
import { useState } from 'react';
import { answerOf, ApiError } from '@gradlab/api-client';
import { useApi } from '../../lib/api-context';
import { withEpoch } from '../../lib/progress';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { useUrlSelection } from '../../lib/use-url-selection';
import { useSocketEvents } from '../../lib/use-socket-events';
import { CompareGroups } from './compare-groups';
import { FigureDownloads } from '../../components/figure-downloads';
import { StatusBadge } from '../../components/status-badge';
import { VegaChart } from '../../components/vega-chart';
import { DataTable } from '../../components/data-table';
import { RunResultCells } from '../runs/run-result-cells';

interface ComparedRun {
  run: RunDto;
  label: string;
  epochs: EpochDto[];
  flow: GradientFlowDto | null;
}

/**
 * Runs chosen in the picker, overlaid: the coursework's Figure 1 and gradient flow by relative depth. Each
 * run keeps one colour in both charts, whichever other runs are picked, and the view follows the runs live.
 */
export function CompareView() {
  const { apiUrl } = useApi();
  const { selected, toggle } = useUrlSelection('runs');
  const [search, setSearch] = useState('');

  const candidates = useApiQuery(queryKeys.runCandidates(search), (api) =>
    answerOf(
      api.GET('/api/runs', { params: { query: { pageSize: 50, ...(search.trim() ? { q: search.trim() } : {}) } } }),
    ),
  );
  const compared = useApiQuery(selected.length ? queryKeys.compare(selected) : null, async (api) => {
    const runs = await Promise.all(
      selected.map(async (id) => {
        const byId = { params: { path: { id } } };
        const [run, epochs] = await Promise.all([
          answerOf(api.GET('/api/runs/{id}', byId)),
          answerOf(api.GET('/api/runs/{id}/epochs', byId)),
        ]);
        // A run with no finished epoch has no gradient flow yet: not asked, rather than answered 404.
        const flow =
          run.epochsCompleted === 0
            ? null
            : await answerOf(api.GET('/api/runs/{id}/gradient-flow', byId)).catch((e) => {
                if (e instanceof ApiError && e.status === 404) return null; // stored meanwhile by no epoch
                throw e;
              });
        return { run, epochs, flow };
      }),
    );
    // Two runs may share a name; the legend must still tell them apart, and say which were imported.
    return runs.map((r): ComparedRun => {
      const name = r.run.kind === 'imported' ? `${r.run.name} (imported)` : r.run.name;
      return {
        ...r,
        label: runs.filter((o) => o.run.name === r.run.name).length > 1 ? `${name} (${r.run.id.slice(0, 8)})` : name,
      };
    });
  });

  // Live: finished epochs and status changes of the compared runs are applied as they arrive.
  const setCompared = compared.setData;
  useSocketEvents(
    { runIds: selected },
    {
      'run.updated': (run) => setCompared((rows) => rows?.map((r) => (r.run.id === run.id ? { ...r, run } : r))),
      'epoch.completed': ({ runId, epoch, layers }) =>
        setCompared((rows) =>
          rows?.map((r) => {
            if (r.run.id !== runId || r.epochs.some((e) => e.epoch === epoch.epoch)) return r;
            const latest = !r.flow || epoch.epoch > r.flow.epoch;
            return {
              ...r,
              run: withEpoch(r.run, epoch),
              epochs: [...r.epochs, epoch].sort((a, b) => a.epoch - b.epoch),
              flow: latest ? { runId, epoch: epoch.epoch, layers } : r.flow,
            };
          }),
        ),
    },
  );

  const rows = compared.data ?? [];
  const colours = coloursById(selected);
  const colourOf = (id: string) => colours.get(id);
  const withEpochs = rows.filter((r) => r.epochs.length > 0);
  // Imported runs have learning curves only: their gradient flow comes back without layers.
  const withFlow = rows.filter(
    (r): r is ComparedRun & { flow: GradientFlowDto } => r.flow !== null && r.flow.layers.length > 0,
  );
  return (
    <section>
      <h1>Compare runs</h1>
      <div className="card">
        <h2>Pick runs</h2>
        <input
          type="search"
          placeholder="filter by name"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Filter runs to pick"
        />
        <div className="picker" data-testid="run-picker">
          {candidates.data?.items.map((run) => (
            <label key={run.id} className="row" style={{ flexDirection: 'row' }}>
              <input
                type="checkbox"
                checked={selected.includes(run.id)}
                onChange={() => toggle(run.id)}
                aria-label={`Compare ${run.name}`}
              />
              <span>{run.name}</span>
              <span className="muted">{architectureSummary(run)}</span>
              <StatusBadge status={run.status} />
            </label>
          ))}
        </div>
      </div>
      <CompareGroups />
      {selected.length === 0 && (
        <p className="muted">Pick two or more runs, e.g. VGG_08 and VGG_38, to draw the coursework&apos;s Figure 1.</p>
      )}
      {compared.error && <p className="error">Could not load the runs: {compared.error.message}</p>}
      {rows.length > 0 && (
        <>
          <p className="downloads">
            <a
              href={`${apiUrl}/api/report-pack?runs=${rows.map((r) => r.run.id).join(',')}`}
              download
              data-testid="report-pack"
            >
              Download the report pack (.zip)
            </a>
            <span className="muted">
              every figure in every format, each run&apos;s summary.csv and test_summary.csv, results.tex
            </span>
          </p>
          <DataTable
            testId="compared-runs"
            headers={['Run', 'Architecture', 'Status', 'Epochs', 'Best val. acc.', 'Test acc.']}
          >
            {rows.map(({ run, label }) => (
              <tr key={run.id}>
                <td>
                  <span className="swatch" style={{ background: colourOf(run.id) }} aria-hidden="true" />
                  <Link href={`/runs/${run.id}`}>{label}</Link>
                </td>
                <td>{architectureSummary(run)}</td>
                <RunResultCells run={run} epochsTestId="compared-epochs" />
              </tr>
            ))}
          </DataTable>
          <div className="card">
            <h2>Training and validation loss and accuracy</h2>
            {withEpochs.length ? (
              <>
                <VegaChart
                  spec={(width) =>
                    learningCurvesForWidth(
                      withEpochs.map((r) => ({ label: r.label, epochs: r.epochs, colour: colourOf(r.run.id) })),
                      width,
                    )
                  }
                  testId="compare-curves"
                  label="Loss and accuracy of the compared runs"
                />
                <FigureDownloads
                  path="/figures/learning-curves"
                  query={{ runs: withEpochs.map((r) => r.run.id).join(',') }}
                  testId="download-compare-curves"
                />
              </>
            ) : (
              <p className="muted">None of these runs has finished an epoch.</p>
            )}
          </div>
          <div className="card">
            <h2>Gradient flow by relative depth (latest epoch)</h2>
            {withFlow.length ? (
              <>
                <VegaChart
                  spec={(width) =>
                    fitWidth(
                      gradientFlowSpec(
                        withFlow.map((r) => ({ label: r.label, layers: r.flow.layers, colour: colourOf(r.run.id) })),
                        { byRelativeDepth: true },
                      ),
                      width,
                    )
                  }
                  testId="compare-gradient-flow"
                  label="Gradient flow of the compared runs"
                />
                <FigureDownloads
                  path="/figures/gradient-flow"
                  query={{ runs: withFlow.map((r) => r.run.id).join(',') }}
                  testId="download-compare-gradient-flow"
                />
              </>
            ) : (
              <p className="muted">No gradient flow recorded yet.</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
