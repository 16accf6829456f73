'use client';

import { formatDuration } from '../../lib/format';
import { LocalTime } from '../../components/local-time';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';

/** How often a queued run's place is asked again: runs ahead start and finish without an event for this one. */
const REFRESH_MS = 5_000;

/** A queued run's place in the queue and the wait until it starts. */
export function QueuePosition({ runId }: { runId: string }) {
  const { data } = useApiQuery(
    queryKeys.queuePosition(runId),
    (api) => answerOf(api.GET('/api/runs/{id}/queue', { params: { path: { id: runId } } })),
    {
      refetchIntervalMs: REFRESH_MS,
    },
  );
  if (!data || data.position === null) return <p className="muted">Waiting for a worker…</p>;
  const wait = data.waitsForGpuUntil
    ? 'it starts when a GPU worker takes it'
    : data.estimatedWaitMs === null
      ? 'the wait is known once a worker has measured an epoch'
      : data.estimatedWaitMs < 1000
        ? 'it should start at once'
        : `about ${formatDuration(data.estimatedWaitMs)} until it starts`;
  const workers =
    data.workers === 0
      ? 'no worker is online'
      : `${data.workers} worker${data.workers === 1 ? '' : 's'} online, ${data.running} run${data.running === 1 ? '' : 's'} training`;
  return (
    <>
      <p data-testid="queue-position">
        <strong>Queued: {data.position === 1 ? 'next to start' : `number ${data.position} in the queue`}</strong> (
        {data.ahead} ahead of it in fair-share order, of every team
        {data.pool ? `; it waits for the ${data.pool} pool` : ''}; {workers}); {wait}.
      </p>
      {data.waitsForGpuUntil && (
        <p data-testid="queue-gpu-wait" className="muted">
          Too long for a CPU worker, it waits for a GPU worker (one was seen lately). If none is seen again by{' '}
          <LocalTime iso={data.waitsForGpuUntil} />, a CPU worker takes it.
        </p>
      )}
    </>
  );
}
