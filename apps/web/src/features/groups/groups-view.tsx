'use client';

import type { GroupSummaryDto } from '@gradlab/contracts';
import Link from 'next/link';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { LocalTime } from '../../components/local-time';
import { DataTable } from '../../components/data-table';

/** The team's seed groups and sweeps, newest first. */
export function GroupsView() {
  const { data, error } = useApiQuery<{ items: GroupSummaryDto[] }>(queryKeys.groups(), (api) =>
    answerOf(api.GET('/api/groups')),
  );
  return (
    <section>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>Groups</h1>
        <Link href="/runs/new" className="button">
          New group (seeds and grid in New run)
        </Link>
      </div>
      {error && <p className="error">Could not load the groups: {error.message}</p>}
      {data && data.items.length === 0 && (
        <p className="muted">
          No groups yet: give New run several seeds (0..4) or a grid (lr=1e-3,3e-4) to submit one.
        </p>
      )}
      {data && data.items.length > 0 && (
        <DataTable testId="groups" headers={['Group', 'Runs', 'Status', 'Seeds', 'Grid', 'Submitted']}>
          {data.items.map((g) => (
            <tr key={g.id}>
              <td>
                <Link href={`/groups/${g.id}`}>{g.name}</Link>
              </td>
              <td>{g.size}</td>
              <td>
                {Object.entries(g.counts)
                  .filter(([, n]) => n > 0)
                  .map(([status, n]) => `${n} ${status}`)
                  .join(', ')}
              </td>
              <td>{g.seeds.join(', ')}</td>
              <td>
                {Object.entries(g.grid)
                  .map(([p, values]) => `${p}=${values.join(',')}`)
                  .join(' ') || '–'}
              </td>
              <td>
                <LocalTime iso={g.createdAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
