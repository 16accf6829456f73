'use client';

import type { GradientFlowDto } from '@gradlab/contracts';
import { architectureSummary, coloursById, fitWidth, gradientFlowSpec, learningCurvesForWidth } from '@gradlab/figures';
import Link from 'next/link';
import { useState } from 'react';
import { answerOf } from '@gradlab/api-client';
import { useApi } from '../../lib/api-context';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { useUrlSelection } from '../../lib/use-url-selection';
import { CompareGroups } from './compare-groups';
import { useComparedRuns, type ComparedRun } from './use-compared-runs';
import { FigureDownloads } from '../../components/figure-downloads';
import { StatusBadge } from '../../components/status-badge';
import { VegaChart } from '../../components/vega-chart';
import { DataTable } from '../../components/data-table';
import { RunResultCells } from '../runs/run-result-cells';

type ColourOf = (id: string) => string | undefined;

/** The team's runs to pick from, filtered by name. */
function RunPicker({ selected, toggle }: { selected: string[]; toggle: (id: string) => void }) {
  const [search, setSearch] = useState('');
  const candidates = useApiQuery(queryKeys.runCandidates(search), (api) =>
    answerOf(
      api.GET('/api/runs', { params: { query: { pageSize: 50, ...(search.trim() ? { q: search.trim() } : {}) } } }),
    ),
  );
  return (
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
  );
}

/** The chosen runs, each with its colour in the charts. */
function ComparedRunsTable({ rows, colourOf }: { rows: ComparedRun[]; colourOf: ColourOf }) {
  return (
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
  );
}

/** The coursework's Figure 1 for the chosen runs, and their gradient flow by relative depth. */
function ComparedFigures({ rows, colourOf }: { rows: ComparedRun[]; colourOf: ColourOf }) {
  const withEpochs = rows.filter((r) => r.epochs.length > 0);
  // Imported runs have learning curves only: their gradient flow comes back without layers.
  const withFlow = rows.filter(
    (r): r is ComparedRun & { flow: GradientFlowDto } => r.flow !== null && r.flow.layers.length > 0,
  );
  return (
    <>
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
  );
}

/**
 * Runs chosen in the picker, overlaid: the coursework's Figure 1 and gradient flow by relative depth. Each
 * run keeps one colour in both charts, whichever other runs are picked, and the view follows the runs live.
 */
export function CompareView() {
  const { apiUrl } = useApi();
  const { selected, toggle } = useUrlSelection('runs');
  const compared = useComparedRuns(selected);
  const rows = compared.data ?? [];
  const colours = coloursById(selected);
  const colourOf = (id: string) => colours.get(id);
  return (
    <section>
      <h1>Compare runs</h1>
      <RunPicker selected={selected} toggle={toggle} />
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
          <ComparedRunsTable rows={rows} colourOf={colourOf} />
          <ComparedFigures rows={rows} colourOf={colourOf} />
        </>
      )}
    </section>
  );
}
