'use client';

import type { CohortDto } from '@gradlab/contracts';
import { formatDuration } from '../../lib/format';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { LocalTime } from '../../components/local-time';
import { DataTable } from '../../components/data-table';
import { QuotaSummary } from '../../components/quota-line';

/** Staff: where each team member stands, at a glance: runs, groups, what their runs' diagnoses found, worker time. */
export function CohortView() {
  const { data, error } = useApiQuery<CohortDto>(queryKeys.cohort(), (api) => answerOf(api.GET('/api/cohort')));
  const { data: quotas } = useApiQuery(queryKeys.teamsQuota(), (api) => answerOf(api.GET('/api/teams/quota')));
  return (
    <section>
      <h1>Cohort</h1>
      <p className="muted">
        Per member: runs by status, groups, how many runs each diagnosis finding was found in, and the worker time their
        runs used.
      </p>
      {error && <p className="error">Could not load the cohort: {error.message}</p>}
      {data?.teams.map((team) => (
        <div className="card" key={team.id}>
          <h2>{team.name}</h2>
          {quotas?.teams
            .filter((q) => q.teamId === team.id)
            .map((q) => (
              <p key={q.teamId} data-testid={`cohort-quota-${team.name}`}>
                Use against budget: <QuotaSummary quota={q} />
              </p>
            ))}
          <DataTable
            testId={`cohort-${team.name}`}
            headers={[
              'Member',
              'Runs',
              'Queued / running',
              'Completed',
              'Failed',
              'Groups',
              'Findings (runs)',
              'Healthy runs',
              'Worker time',
              'Last run',
            ]}
          >
            {team.members.map((m) => (
              <tr key={m.userId} data-testid="cohort-member">
                <td>
                  {m.email} <span className="muted">{m.role}</span>
                </td>
                <td>{m.runs.total}</td>
                <td>
                  {m.runs.queued} / {m.runs.running}
                </td>
                <td>{m.runs.completed}</td>
                <td>{m.runs.failed}</td>
                <td>{m.groups}</td>
                <td>
                  <span className="chips">
                    {Object.entries(m.findings).map(([code, n]) => (
                      <span
                        key={code}
                        className={`status ${code === 'dead_layers' || code === 'overfitting' || code === 'loss_spike' ? 'severity-warning' : 'severity-critical'}`}
                      >
                        {code.replaceAll('_', ' ')}: {n}
                      </span>
                    ))}
                    {Object.keys(m.findings).length === 0 && <span className="muted">none</span>}
                  </span>
                </td>
                <td>{m.healthyRuns}</td>
                <td>{m.workerMs > 0 ? formatDuration(m.workerMs) : '–'}</td>
                <td>{m.lastRunAt ? <LocalTime iso={m.lastRunAt} /> : '–'}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      ))}
    </section>
  );
}
