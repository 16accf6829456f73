'use client';

import type { AggregateDto, GroupSummaryDto } from '@gradlab/contracts';
import { aggregateCurvesSpec } from '@gradlab/figures';
import Link from 'next/link';
import { formatMeanStd } from '../../lib/format';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { useUrlSelection } from '../../lib/use-url-selection';
import { VegaChart } from '../../components/vega-chart';

/** The palette has eight colours: at most this many cells are drawn together. */
const MAX_SERIES = 8;

interface ComparedCell {
  label: string;
  groupId: string;
  aggregate: AggregateDto;
}

/** Groups in Compare: each picked group's cells as mean ± std curves over their seeds, overlaid. */
export function CompareGroups() {
  const { selected, toggle } = useUrlSelection('groups');
  const groups = useApiQuery<{ items: GroupSummaryDto[] }>(queryKeys.groups(), (api) =>
    answerOf(api.GET('/api/groups')),
  );
  const compared = useApiQuery<ComparedCell[]>(
    selected.length ? queryKeys.compareGroups(selected) : null,
    async (api) => {
      const cells: ComparedCell[] = [];
      for (const id of selected) {
        const group = await answerOf(api.GET('/api/groups/{id}', { params: { path: { id } } }));
        for (const cell of group.cells) {
          if (cells.length >= MAX_SERIES) break;
          const aggregate = await answerOf(
            api.GET('/api/groups/{id}/aggregate', {
              params: { path: { id }, query: { cell: cell.key, gradientFlow: 'none' } },
            }),
          );
          cells.push({ label: cell.key ? `${group.name} ${cell.key}` : group.name, groupId: id, aggregate });
        }
      }
      return cells;
    },
  );
  const drawn = (compared.data ?? []).filter((c) => c.aggregate.epochs.length > 0);
  return (
    <div className="card">
      <h2>Groups: mean ± std over seeds</h2>
      {groups.data && groups.data.items.length === 0 && <p className="muted">No groups yet.</p>}
      <div className="picker" data-testid="group-picker">
        {groups.data?.items.map((g) => (
          <label key={g.id} className="row" style={{ flexDirection: 'row' }}>
            <input
              type="checkbox"
              checked={selected.includes(g.id)}
              onChange={() => toggle(g.id)}
              aria-label={`Compare group ${g.name}`}
            />
            <Link href={`/groups/${g.id}`}>{g.name}</Link>
            <span className="muted">{g.size} runs</span>
          </label>
        ))}
      </div>
      {compared.error && <p className="error">Could not load the groups: {compared.error.message}</p>}
      {drawn.length > 0 && (
        <>
          <table data-testid="compared-groups">
            <thead>
              <tr>
                <th>Group (cell)</th>
                <th>Runs</th>
                <th>Best val. acc.</th>
                <th>Test acc.</th>
              </tr>
            </thead>
            <tbody>
              {drawn.map((c) => (
                <tr key={c.label}>
                  <td>{c.label}</td>
                  <td>{c.aggregate.runs.length}</td>
                  <td>{formatMeanStd(c.aggregate.test.bestValAccuracy)}</td>
                  <td>{formatMeanStd(c.aggregate.test.testAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <VegaChart
            spec={(width) =>
              aggregateCurvesSpec(
                drawn.map((c) => ({ label: c.label, epochs: c.aggregate.epochs })),
                { width: Math.max(200, Math.floor((width - 330) / 2)) },
              )
            }
            testId="compare-group-curves"
            label="Mean and standard deviation over seeds of the compared groups"
          />
        </>
      )}
    </div>
  );
}
