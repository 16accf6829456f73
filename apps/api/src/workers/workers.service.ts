import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { QUEUES, type WorkersDto } from '@gradlab/contracts';
import type { Queue } from 'bullmq';
import type { Principal } from '../auth/principal';
import { isUuid } from '../common/is-uuid';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';

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

/** Workers seen through their heartbeats (long-silent ones dropped), and the training queue's depth. */
@Injectable()
export class WorkersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    @InjectQueue(QUEUES.training) private readonly trainingQueue: Queue,
  ) {}

  async snapshot(): Promise<WorkersSnapshot> {
    // The queue's depth is in Redis: while it is down, 503 at once rather than a request that waits it out.
    this.redis.ensureReady('the workers and the queue cannot be listed');
    const [workers, counts] = await Promise.all([
      this.prisma.worker.findMany({
        where: { lastHeartbeatAt: { gte: new Date(Date.now() - this.config.workerForgetAfterMs) } },
        orderBy: { lastHeartbeatAt: 'desc' },
      }),
      this.trainingQueue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    ]);
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
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
        },
      },
      runTeams: new Map(runs.map((r) => [r.id, r.teamId])),
    };
  }

  async snapshotFor(principal: Principal): Promise<WorkersDto> {
    return workersSeenBy(await this.snapshot(), principal);
  }
}
