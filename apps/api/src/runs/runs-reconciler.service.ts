import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CPU_POOL, QUEUES } from '@gradlab/contracts';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { RunRepository } from './run.repository';
import { RedisService } from '../redis/redis.service';
import { TrainingQueues } from '../scheduling/training-queues';
import { storedConfig } from '../common/stored-config';

/** A training job that finished this long ago without its run finishing lost its last event. */
const FINISHED_JOB_GRACE_MS = 60_000;
/** A run given to a pool that has had no worker since, for this long, goes back to waiting for any pool. */
const RECLAIM_AFTER_MS = 120_000;
/** Failed event jobs looked at in one pass. */
const FAILED_EVENTS_BATCH = 1000;

export interface ReconcileReport {
  requeued: string[];
  retriedEvents: number;
}

/**
 * Postgres holds the truth, Redis only moves work. At start-up and every RECONCILE_INTERVAL_S this mends
 * where the two disagree:
 * - an unfinished run given to a pool with no training job there (Redis lost it, or was flushed) is queued
 *   there again (a run not yet given waits in Postgres for the dispatcher, as it should);
 * - a run given to a pool that lost every worker before one took it waits again, for any pool;
 * - an unfinished run whose job finished a while ago, with no run event left to deliver, lost its final
 *   event: it is queued again, resumes from its last checkpoint and reports again;
 * - run events that failed (by an api of an older version, or a bug) are tried again; those that broke
 *   their contract are left failed.
 * One api instance at a time does it (a Redis lock).
 */
@Injectable()
export class RunsReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunsReconciler.name);
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: RunRepository,
    private readonly queues: TrainingQueues,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.runEvents) private readonly eventsQueue: Queue,
  ) {
    // its errors while Redis is away are RedisService's one line; unheard, BullMQ prints each retry's
    redis.outages.absorb(eventsQueue, 'run-events queue');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.requeueOnStart) await this.reconcileLogged();
    if (this.config.reconcileIntervalMs > 0) {
      this.timer = setInterval(() => void this.reconcileLogged(), this.config.reconcileIntervalMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async reconcile(): Promise<ReconcileReport> {
    const lock = `${this.config.queuePrefix}:reconcile-lock`;
    const acquired = await this.redis.client.set(
      lock,
      String(process.pid),
      'PX',
      Math.max(10_000, this.config.reconcileIntervalMs),
      'NX',
    );
    if (acquired !== 'OK') return { requeued: [], retriedEvents: 0 };
    try {
      const retriedEvents = await this.retryFailedEvents();
      const requeued = await this.requeueOrphanedRuns();
      const reclaimed = await this.reclaimFromEmptyPools();
      if (reclaimed.length)
        this.logger.log(
          `${reclaimed.length} run(s) given to a pool that lost its workers wait again: ${reclaimed.join(', ')}`,
        );
      return { requeued, retriedEvents };
    } finally {
      await this.redis.client.del(lock);
    }
  }

  private async reconcileLogged(): Promise<void> {
    try {
      const { requeued, retriedEvents } = await this.reconcile();
      if (requeued.length)
        this.logger.log(`re-queued ${requeued.length} unfinished run(s) that had no live job: ${requeued.join(', ')}`);
      if (retriedEvents) this.logger.log(`tried ${retriedEvents} failed run event(s) again`);
    } catch (error) {
      // Postgres or Redis down: the next pass tries again.
      this.logger.warn(`reconciling runs and queues failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  private async retryFailedEvents(): Promise<number> {
    const failed = await this.eventsQueue.getFailed(0, FAILED_EVENTS_BATCH - 1);
    let retried = 0;
    for (const job of failed) {
      if (job.failedReason?.startsWith('invalid run event')) continue;
      await job.retry('failed').then(
        () => retried++,
        () => undefined, // retried meanwhile by another instance
      );
    }
    return retried;
  }

  /** Runs given to a pool whose job is gone (or finished without the run finishing): given to it again. */
  private async requeueOrphanedRuns(): Promise<string[]> {
    const unfinished = await this.prisma.run.findMany({
      where: { status: { in: ['queued', 'running'] }, dispatchedAt: { not: null } },
      select: { id: true, config: true, pool: true },
    });
    if (unfinished.length === 0) return [];
    const events = await this.eventsQueue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    const eventsPending = Object.values(events).some((count) => count > 0);
    const requeued: string[] = [];
    for (const run of unfinished) {
      const pool = run.pool ?? CPU_POOL;
      const job = await this.queues.job(pool, run.id);
      if (job) {
        const state = await job.getState();
        const finished = state === 'completed' || state === 'failed';
        // Its final event may still be on its way: only when none is left is it lost.
        if (!finished || eventsPending || Date.now() - (job.finishedOn ?? Date.now()) < FINISHED_JOB_GRACE_MS) continue;
        await job.remove();
      }
      await this.queues.add(pool, run.id, storedConfig(run));
      requeued.push(run.id);
    }
    return requeued;
  }

  /**
   * A run given to a pool whose workers all went away before one took it (and that has none RECLAIM_AFTER_MS
   * after) goes back to waiting, so the
   * dispatcher can give it to a pool that has workers (a run a worker started keeps its pool: its worker
   * may come back, and it holds its checkpoint either way).
   */
  private async reclaimFromEmptyPools(): Promise<string[]> {
    const given = await this.prisma.run.findMany({
      where: { status: 'queued', dispatchedAt: { lt: new Date(Date.now() - RECLAIM_AFTER_MS) }, startedAt: null },
      select: { id: true, pool: true },
    });
    const reclaimed: string[] = [];
    const workersOf = new Map<string, number>();
    for (const run of given) {
      const pool = run.pool ?? CPU_POOL;
      if (!workersOf.has(pool)) workersOf.set(pool, await this.queues.of(pool).getWorkersCount());
      if ((workersOf.get(pool) ?? 0) > 0) continue;
      const job = await this.queues.job(pool, run.id);
      if (job && (await job.getState()) !== 'waiting') continue;
      await job?.remove().catch(() => undefined);
      if (await this.runs.requeue(run.id)) reclaimed.push(run.id);
    }
    return reclaimed;
  }
}
