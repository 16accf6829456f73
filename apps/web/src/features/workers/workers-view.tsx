'use client';

import { WORKER_OFFLINE_AFTER_MS, type WorkersDto } from '@gradlab/contracts';
import Link from 'next/link';
import { formatDuration } from '../../lib/format';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { useNow } from '../../lib/use-now';
import { useSocketEvents } from '../../lib/use-socket-events';
import { DataTable } from '../../components/data-table';

type Worker = WorkersDto['workers'][number];
type Pool = WorkersDto['pools'][number];

/** Dead workers send no heartbeat, so no event says they died: the list is also fetched again this often. */
const REFRESH_MS = 15_000;

/** How long a worker has been silent, as of `now` (null before the page knows the time). */
const silentFor = (w: Worker, now: number | null) =>
  now === null ? 0 : Math.max(0, now - Date.parse(w.lastHeartbeatAt));

/** One worker: what it is, what it trains, and when it was last heard from. */
function WorkerRow({ worker: w, now }: { worker: Worker; now: number | null }) {
  const silent = silentFor(w, now);
  const offline = silent > WORKER_OFFLINE_AFTER_MS;
  // An offline worker was up until its last heartbeat, not until now.
  const upUntil = offline ? Date.parse(w.lastHeartbeatAt) : now;
  return (
    <tr className={offline ? 'muted' : undefined} data-testid="worker-row">
      <td>{w.id}</td>
      <td>{w.host}</td>
      <td>{w.backend}</td>
      <td data-testid="worker-device">{w.device ?? <span className="muted">–</span>}</td>
      <td data-testid="worker-speed">{w.speed === null ? '–' : `${Math.round(w.speed)} img/s`}</td>
      <td>{w.memoryBytes === null ? '–' : `${(w.memoryBytes / 2 ** 30).toFixed(0)} GiB`}</td>
      <td>
        {offline ? (
          <span className="muted">–</span>
        ) : w.currentRunId ? (
          <Link href={`/runs/${w.currentRunId}`}>{w.currentRunId.slice(0, 8)}</Link>
        ) : w.busy ? (
          <span className="muted">another team&apos;s run</span>
        ) : (
          <span className="muted">idle</span>
        )}
        {!offline && w.waitingForApiSince && (
          <strong className="error" data-testid="worker-waiting">
            {' '}
            waiting for the api
            {now === null ? '' : ` for ${formatDuration(Math.max(0, now - Date.parse(w.waitingForApiSince)))}`}
          </strong>
        )}
      </td>
      <td>
        {now === null ? '–' : `${formatDuration(silent)} ago`}
        {offline && <strong className="error"> offline</strong>}
      </td>
      <td>{upUntil === null ? '–' : formatDuration(upUntil - Date.parse(w.startedAt))}</td>
    </tr>
  );
}

/** A pool's queue and its workers. */
function PoolCard({ pool, members, now }: { pool: Pool; members: Worker[]; now: number | null }) {
  return (
    <div className="card" data-testid={`pool-${pool.pool}`}>
      <h2>
        Pool {pool.pool}{' '}
        <span className="muted" data-testid="pool-queue">
          {pool.workers} online · {pool.queued} waiting for this pool only · {pool.given} given, not started ·{' '}
          {pool.active} training
        </span>
      </h2>
      <DataTable
        testId="workers-table"
        headers={['Worker', 'Host', 'Backend', 'Device', 'Speed', 'Memory', 'Current run', 'Last heartbeat', 'Up for']}
      >
        {members.map((w) => (
          <WorkerRow key={w.id} worker={w} now={now} />
        ))}
        {members.length === 0 && (
          <tr>
            <td colSpan={9} className="muted">
              No worker of this pool has reported recently.
            </td>
          </tr>
        )}
      </DataTable>
    </div>
  );
}

export function WorkersView() {
  const now = useNow(1000);
  const { data, error, setData } = useApiQuery(queryKeys.workers(), (api) => answerOf(api.GET('/api/workers')), {
    refetchIntervalMs: REFRESH_MS,
  });
  useSocketEvents({ workers: true }, { 'workers.updated': (snapshot) => setData(snapshot) });
  const listed = (data?.workers ?? []).filter((w) => silentFor(w, now) <= (data?.forgetAfterMs ?? Infinity));
  return (
    <section>
      <h1>Workers</h1>
      {error && !data && <p className="error">Could not load the workers: {error.message}</p>}
      {data && (
        <>
          <div className="card row" data-testid="queue-depth">
            <strong>Training queues, all pools</strong>
            <span>waiting {data.queue.waiting}</span>
            <span>active {data.queue.active}</span>
            <span>delayed {data.queue.delayed}</span>
            <span>failed {data.queue.failed}</span>
          </div>
          <p className="muted">
            A worker silent for {formatDuration(WORKER_OFFLINE_AFTER_MS)} is shown offline (it may have died; its run
            goes to another worker), and after {formatDuration(data.forgetAfterMs)} it leaves the list.
          </p>
          <p className="muted" data-testid="any-pool-queue">
            {data.anyPoolQueued} run(s) waiting that any pool may train: the next free worker takes the one fair share
            puts first.
          </p>
          {data.pools.map((pool) => (
            <PoolCard key={pool.pool} pool={pool} members={listed.filter((w) => w.pool === pool.pool)} now={now} />
          ))}
        </>
      )}
    </section>
  );
}
