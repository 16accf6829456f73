import { Injectable } from '@nestjs/common';
import { CPU_POOL, WORKER_OFFLINE_AFTER_MS, type WorkersDto } from '@gradlab/contracts';
import type { Principal } from '../auth/principal';
import { isUuid } from '../common/is-uuid';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';
import { TrainingQueues } from '../scheduling/training-queues';

/** The workers list as stored, with the team of each run a worker is on: not yet fit to show anyone. */
export interface WorkersSnapshot {
  workers: WorkersDto;
  runTeams: ReadonlyMap<string, string>;
}

/**
 * The workers list as `principal` sees it. Every worker serves every team, so staff see them all; the run a
 * worker is on is named only to that run's team (and to an admin): another team's run is null, as when idle.
 */
export function workersSeenBy(snapshot: WorkersSnapshot, principal: Principal): WorkersDto {
  const visible = (runId: string | null) =>
    runId !== null && (principal.role === 'admin' || snapshot.runTeams.get(runId) === principal.teamId);
  return {
    ...snapshot.workers,
    workers: snapshot.workers.workers.map((w) => ({
      ...w,
      currentRunId: visible(w.currentRunId) ? w.currentRunId : null,
    })),
  };
}

/** Workers seen through their heartbeats (long-silent ones dropped), and each pool's queue. */
@Injectable()
export class WorkersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly queues: TrainingQueues,
  ) {}

  async snapshot(): Promise<WorkersSnapshot> {
    // The queue's depth is in Redis: while it is down, 503 at once rather than a request that waits it out.
    this.redis.ensureReady('the workers and the queue cannot be listed');
    const [workers, waiting] = await Promise.all([
      this.prisma.worker.findMany({
        where: { lastHeartbeatAt: { gte: new Date(Date.now() - this.config.workerForgetAfterMs) } },
        orderBy: { lastHeartbeatAt: 'desc' },
      }),
      this.prisma.run.groupBy({
        by: ['requiredPool'],
        where: { status: 'queued', dispatchedAt: null },
        _count: { _all: true },
      }),
    ]);
    const online = workers.filter((w) => Date.now() - w.lastHeartbeatAt.getTime() < WORKER_OFFLINE_AFTER_MS);
    const poolNames = [
      ...new Set([
        ...workers.map((w) => w.pool),
        CPU_POOL,
        ...waiting.flatMap((w) => (w.requiredPool ? [w.requiredPool] : [])),
      ]),
    ];
    const counts = await Promise.all(
      poolNames.map((pool) => this.queues.of(pool).getJobCounts('waiting', 'active', 'delayed', 'failed')),
    );
    const sum = (state: string) => counts.reduce((total, c) => total + (c[state] ?? 0), 0);
    const waitingFor = (pool: string | null) => waiting.find((w) => w.requiredPool === pool)?._count._all ?? 0;
    // A heartbeat's run id is the worker's word: only a uuid can name a run (anything else is shown to no one).
    const busy = workers.flatMap((w) => (w.currentRunId && isUuid(w.currentRunId) ? [w.currentRunId] : []));
    const runs = busy.length
      ? await this.prisma.run.findMany({ where: { id: { in: busy } }, select: { id: true, teamId: true } })
      : [];
    return {
      workers: {
        workers: workers.map((w) => ({
          ...w,
          busy: w.currentRunId !== null,
          waitingForApiSince: w.waitingForApiSince?.toISOString() ?? null,
          startedAt: w.startedAt.toISOString(),
          lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
        })),
        forgetAfterMs: this.config.workerForgetAfterMs,
        queue: {
          waiting: sum('waiting') + waiting.reduce((total, w) => total + w._count._all, 0),
          active: sum('active'),
          delayed: sum('delayed'),
          failed: sum('failed'),
        },
        pools: poolNames.map((pool, i) => ({
          pool,
          workers: online.filter((w) => w.pool === pool).length,
          queued: waitingFor(pool),
          given: (counts[i].waiting ?? 0) + (counts[i].delayed ?? 0),
          active: counts[i].active ?? 0,
        })),
        anyPoolQueued: waitingFor(null),
      },
      runTeams: new Map(runs.map((r) => [r.id, r.teamId])),
    };
  }

  async snapshotFor(principal: Principal): Promise<WorkersDto> {
    return workersSeenBy(await this.snapshot(), principal);
  }
}
