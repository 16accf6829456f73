'use client';

import type { QuotaDto } from '@gradlab/contracts';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../lib/use-api-query';
import { queryKeys } from '../lib/query-keys';
import { LocalTime } from './local-time';

/** A team's worker hours this week against its budget, and where it stands in fair share. */
export function QuotaSummary({ quota }: { quota: QuotaDto }) {
  return (
    <span data-testid="quota">
      {quota.weeklyBudgetHours === null ? (
        <>{quota.usedHours.toFixed(2)} worker hours this week (no budget)</>
      ) : (
        <>
          {quota.usedHours.toFixed(2)} of {quota.weeklyBudgetHours} worker hours this week
          {quota.freesAt && (
            <strong className="error">
              {' '}
              — spent: new runs are refused until <LocalTime iso={quota.freesAt} />
            </strong>
          )}
        </>
      )}
      <span className="muted">
        {' '}
        · {quota.windowUsedHours.toFixed(2)} h in the last {quota.windowHours} h, weight {quota.weight}
      </span>
    </span>
  );
}

/** The Runs page: the signed-in team's own quota. */
export function QuotaLine() {
  const { data } = useApiQuery(queryKeys.quota(), (api) => answerOf(api.GET('/api/quota')), {
    refetchIntervalMs: 30_000,
  });
  if (!data) return null;
  return (
    <p>
      Team {data.teamName}: <QuotaSummary quota={data} />
    </p>
  );
}
