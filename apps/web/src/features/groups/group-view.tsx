'use client';

import { FINISHED_STATUSES, type AggregateDto, type GroupCellDto, type GroupDto } from '@gradlab/contracts';
import { aggregateCurvesSpec, aggregateGradientFlowSpec, fitWidth } from '@gradlab/figures';
import Link from 'next/link';
import { useState, type ComponentProps } from 'react';
import { ApiError } from '@gradlab/api-client';
import { useApi } from '../../lib/api-context';
import { formatMeanStd } from '../../lib/format';
import { gridParameters, sortCells, type CellColumn, type CellSort } from '../../lib/grid-table';
import { useCancelGroup, useGroup } from './use-group';
import { ConfirmButton } from '../../components/confirm-button';
import { FigureDownloads } from '../../components/figure-downloads';
import { LocalTime } from '../../components/local-time';
import { VegaChart } from '../../components/vega-chart';
import { DataTable } from '../../components/data-table';
import { RunResultCells } from '../runs/run-result-cells';

/** A group's figures: no pgfplots (.tex) version of the bands. */
const GROUP_FIGURE_FORMATS = ['svg', 'pdf', 'png', 'csv'] as const;

/** One of the chosen cell's figures: drawn here, and downloadable for a report. */
function CellFigure(props: {
  groupId: string;
  cell: string | null;
  figure: string;
  spec: ComponentProps<typeof VegaChart>['spec'];
  testId: string;
  label: string;
}) {
  const { groupId, cell, figure, spec, testId, label } = props;
  return (
    <>
      <VegaChart spec={spec} testId={testId} label={label} />
      <FigureDownloads
        path={`/groups/${groupId}/figures/${figure}`}
        query={{ cell: cell || undefined }}
        testId={`download-${testId}`}
        formats={GROUP_FIGURE_FORMATS}
      />
    </>
  );
}

/** The cells of the group: a table sorted by a column (click its header), the chosen cell's row selected. */
function CellsTable(props: { cells: GroupCellDto[]; chosen: string | null; choose: (cell: string) => void }) {
  const { cells, chosen, choose } = props;
  const parameters = gridParameters(cells);
  const [sort, setSort] = useState<CellSort>({ column: 'bestValAccuracy', descending: true });
  const sortBy = (column: CellColumn) =>
    setSort((s) => ({ column, descending: s.column === column ? !s.descending : column !== `param:${parameters[0]}` }));
  const header = (column: CellColumn, label: string, testId?: string) => (
    <button type="button" className="sort" onClick={() => sortBy(column)} data-testid={testId}>
      {label}
      {sort.column === column ? (sort.descending ? ' ▼' : ' ▲') : ''}
    </button>
  );
  return (
    <DataTable
      testId="grid-table"
      headers={[
        null,
        ...parameters.map((p) => header(`param:${p}`, p)),
        'Runs',
        header('bestValAccuracy', 'Best val. acc.', 'sort-best-val'),
        header('testAccuracy', 'Test acc.', 'sort-test'),
      ]}
    >
      {sortCells(cells, sort).map((cell) => (
        <tr
          key={cell.key}
          className={cell.best ? 'best-cell' : undefined}
          aria-selected={cell.key === chosen}
          data-testid="grid-cell"
          onClick={() => choose(cell.key)}
          style={{ cursor: 'pointer' }}
        >
          <td>
            <input
              type="radio"
              name="cell"
              checked={cell.key === chosen}
              onChange={() => choose(cell.key)}
              aria-label={`Draw ${cell.key || 'the group'}`}
            />
            {cell.best && (
              <span title="best cell" data-testid="best-cell">
                {' '}
                ★
              </span>
            )}
          </td>
          {parameters.map((p) => (
            <td key={p}>{String(cell.cell[p])}</td>
          ))}
          <td>{cell.runIds.length}</td>
          <td data-testid="cell-best-val">{formatMeanStd(cell.bestValAccuracy)}</td>
          <td>{formatMeanStd(cell.testAccuracy)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The chosen cell over seeds: its curves as mean ± std, and its gradient flow once every run has an epoch. */
function CellAggregate(props: {
  groupId: string;
  label: string;
  chosen: string | null;
  aggregate: AggregateDto | undefined;
  error?: Error | null;
}) {
  const { groupId, label, chosen, aggregate: agg, error } = props;
  const everyRun = agg?.gradientFlow
    .filter((f) => f.layers.length > 0 && f.layers.every((l) => l.n === agg.runs.length))
    .at(-1);
  return (
    <>
      <div className="card">
        <h2>Loss and accuracy over seeds{chosen ? ` (${chosen})` : ''}</h2>
        {!agg || agg.epochs.length === 0 ? (
          <p className="muted">{error ? `Could not aggregate: ${error.message}` : 'No epoch has finished yet.'}</p>
        ) : (
          <>
            <p className="muted" data-testid="aggregate-n">
              Mean (line) ± one standard deviation (band) of {agg.runs.length} runs; epoch {agg.epochs.at(-1)?.epoch}{' '}
              reached by {agg.epochs.at(-1)?.n}. Test accuracy {formatMeanStd(agg.test.testAccuracy)}.
            </p>
            <CellFigure
              groupId={groupId}
              cell={chosen}
              figure="learning-curves"
              spec={(width) =>
                aggregateCurvesSpec([{ label, epochs: agg.epochs }], {
                  width: Math.max(200, Math.floor((width - 330) / 2)),
                })
              }
              testId="aggregate-curves"
              label="Mean and standard deviation of loss and accuracy over seeds"
            />
          </>
        )}
      </div>

      <div className="card">
        <h2>Gradient flow over seeds{everyRun ? ` (epoch ${everyRun.epoch})` : ''}</h2>
        {!everyRun ? (
          <p className="muted">Drawn once every run of the cell has finished an epoch.</p>
        ) : (
          <>
            <p className="muted">Geometric mean per layer (aggregated in log space) in a band of ×/÷ 10^std.</p>
            <CellFigure
              groupId={groupId}
              cell={chosen}
              figure="gradient-flow"
              spec={(width) => fitWidth(aggregateGradientFlowSpec(everyRun.layers), width)}
              testId="aggregate-gradient-flow"
              label="Gradient flow over seeds"
            />
          </>
        )}
      </div>
    </>
  );
}

/** The group's runs, each with its seed and cell. */
function GroupRuns({ group, parameters }: { group: GroupDto; parameters: string[] }) {
  return (
    <DataTable
      testId="group-runs"
      headers={['Run', 'Seed', ...parameters, 'Status', 'Epochs', 'Best val. acc.', 'Test acc.']}
    >
      {group.runs.map((run) => (
        <tr key={run.id}>
          <td>
            <Link href={`/runs/${run.id}`}>{run.name}</Link>
          </td>
          <td>{run.seed}</td>
          {parameters.map((p) => (
            <td key={p}>{String(run.cell[p])}</td>
          ))}
          <RunResultCells run={run} />
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * A group: its members with their status, its cells (a sortable table with the best cell marked), and for
 * the chosen cell the curves and gradient flow over seeds as mean ± std. Followed live: members' events
 * update the table, finished epochs reload the aggregate.
 */
export function GroupView({ groupId }: { groupId: string }) {
  const { apiUrl } = useApi();
  const [cellKey, setCellKey] = useState<string | null>(null);
  const { group: g, error, chosen, aggregate, aggregateError } = useGroup(groupId, cellKey);
  const cancelGroup = useCancelGroup(groupId);

  if (!g) {
    if (error instanceof ApiError && error.status === 404)
      return <p data-testid="not-found">Group {groupId} not found.</p>;
    return <p className="muted">{error ? `Could not load the group: ${error.message}` : 'Loading…'}</p>;
  }
  const parameters = gridParameters(g.cells);
  const open = g.runs.some((r) => !FINISHED_STATUSES.includes(r.status));
  const counts = Object.entries(g.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return (
    <section>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{g.name}</h1>
        {open && (
          <ConfirmButton
            label="Cancel group"
            question={`Cancel every queued or running run of this group? Finished runs are kept.`}
            onConfirm={() =>
              cancelGroup.mutateAsync().then(
                () => undefined,
                () => undefined, // shown from cancelGroup.error
              )
            }
            testId="cancel-group"
          />
        )}
      </div>
      {cancelGroup.error && <p className="error">Could not cancel the group: {cancelGroup.error.message}</p>}
      <div className="card">
        <div className="row">
          <span data-testid="group-counts">
            {g.runs.length} runs: {counts}
          </span>
          <span className="muted">
            seeds {g.seeds.join(', ')}
            {parameters.length > 0 && ` × ${parameters.map((p) => `${p} ∈ {${g.grid[p].join(', ')}}`).join(' × ')}`}
          </span>
          <span className="muted">
            submitted <LocalTime iso={g.createdAt} />
          </span>
          <a href={`${apiUrl}/api/report-pack?groups=${groupId}`} download data-testid="group-report-pack">
            Download the report pack (.zip)
          </a>
        </div>
      </div>

      <div className="card">
        <h2>{parameters.length ? 'Grid' : 'Over seeds'}</h2>
        <p className="muted">
          Mean ± sample standard deviation over the seeds of each cell; ★ the highest mean best-validation accuracy.
          Click a column to sort, a row to draw it.
        </p>
        <CellsTable cells={g.cells} chosen={chosen} choose={setCellKey} />
      </div>

      <CellAggregate
        groupId={groupId}
        label={chosen ? `${g.name} ${chosen}` : g.name}
        chosen={chosen}
        aggregate={aggregate}
        error={aggregateError}
      />

      <div className="card">
        <h2>Runs</h2>
        <GroupRuns group={g} parameters={parameters} />
      </div>
    </section>
  );
}
