import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CPU_POOL, WORKER_OFFLINE_AFTER_MS } from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { SchedulingRepository, type FinishedUse } from './scheduling.repository';
import { RedisService } from '../redis/redis.service';
import { chooseNext, type Candidate } from './fair-share';
import { gpuWaitEndsAt, teamShare, weekStart } from './scheduling-policy';
import { TrainingQueues } from './training-queues';

/** How long every team's worker time in finished runs is reused between decisions. */
const FINISHED_USE_CACHE_MS = 2_000;

/** A pool with workers free to take a run now. */
export interface FreePool {
  pool: string;
  free: number;
  /** The slowest online worker's measured speed: a run's minSpeed must be met by whichever worker takes it. */
  speed: number | null;
}

type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

/**
 * Gives queued runs to free workers, one decision at a time, in fair-share order (fair-share.ts). Runs wait
 * in Postgres until a worker of a pool that may train them is free; only then does the run's job go into
 * that pool's BullMQ queue, which its workers take from. So the order is decided here, where every team's
 * use is known, and BullMQ keeps what it is good at: locks, stalls, retries and handing a dead worker's run on.
 *
 * Every api instance runs it (each second, and at once after a submission or a finished run); a Postgres
 * advisory lock makes one decide at a time, and a run is given only while it has not been (a guarded
 * update in the same transaction), so no run is given twice. Nothing of it lives in memory: an api restart
 * loses nothing.
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DispatcherService.name);
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<number> | null = null;
  private again = false;
  private lastWarning = '';
  private finishedCache: (FinishedUse & { at: number }) | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly queues: TrainingQueues,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.dispatchIntervalMs);
    this.timer.unref();
    this.kick();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Dispatch soon; calls while a pass runs make one more pass after it. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.dispatch()
      .catch((error: Error) => {
        const line = error.message.split('\n')[0];
        if (line !== this.lastWarning) this.logger.warn(`dispatching runs failed: ${line}`); // Postgres or Redis down
        this.lastWarning = line;
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Gives runs to every free worker; returns how many were given. */
  async dispatch(): Promise<number> {
    if (this.redis.client.status !== 'ready') return 0;
    let given = 0;
    for (const pool of await this.freePools()) {
      for (let i = 0; i < pool.free; i++) {
        const runId = await this.dispatchOne(pool);
        if (!runId) break;
        given++;
      }
    }
    if (given) this.lastWarning = '';
    return given;
  }

  /** Pools of the workers heard from lately, with how many of their workers have nothing to do. */
  async freePools(): Promise<FreePool[]> {
    const online = await this.prisma.worker.groupBy({
      by: ['pool'],
      where: { lastHeartbeatAt: { gte: new Date(Date.now() - WORKER_OFFLINE_AFTER_MS) } },
      _min: { speed: true },
    });
    const pools = new Map(online.map((p) => [p.pool, p._min.speed]));
    if (!pools.has(CPU_POOL)) pools.set(CPU_POOL, null); // workers connected before their first heartbeat counts
    const free: FreePool[] = [];
    for (const [pool, speed] of pools) {
      const n = await this.freeWorkers(pool);
      if (n > 0) free.push({ pool, free: n, speed });
    }
    return free;
  }

  /** The workers connected to a pool's queue now (BullMQ names their connections), less the runs they have. */
  private async freeWorkers(pool: string): Promise<number> {
    const queue = this.queues.of(pool);
    const [workers, counts] = await Promise.all([
      queue.getWorkersCount(),
      queue.getJobCounts('waiting', 'active', 'prioritized'),
    ]);
    return workers - ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0));
  }

  /** One decision: the run the next free worker of `pool` takes, given to it; null when none may. */
  async dispatchOne(pool: FreePool): Promise<string | null> {
    return this.prisma.$transaction(async (tx) => {
      const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(hashtext('gradlab:dispatch')) AS locked`;
      if (!locked) return null; // another instance decides now; it will see this worker free too
      // Counted again under the lock: another instance may have given this worker a run meanwhile.
      if ((await this.freeWorkers(pool.pool)) <= 0) return null;
      const next = await this.decide(tx, pool);
      if (!next) return null;
      const run = await SchedulingRepository.markDispatched(tx, next.runId, pool.pool);
      if (!run) return null;
      // Queued before the transaction commits: should the commit fail, the run is given again by the next
      // decision, and its job, named by its id, is not added twice.
      await this.queues.add(pool.pool, next.runId, run.config);
      return next.runId;
    });
  }

  /**
   * Every team's worker time in finished runs, over the window and this week: most of the rows a decision
   * reads, and it changes only as runs finish, so it is read again at most every FINISHED_USE_CACHE_MS (a
   * run that just finished counts as running until then, to the time it is read: about the same).
   */
  private async finishedUse(tx: Tx, windowStart: Date, week: Date): Promise<FinishedUse> {
    if (!this.finishedCache || Date.now() - this.finishedCache.at > FINISHED_USE_CACHE_MS)
      this.finishedCache = { at: Date.now(), ...(await SchedulingRepository.finishedUse(tx, windowStart, week, null)) };
    return this.finishedCache;
  }

  /** The fair-share choice among every team's oldest run that `pool` may train. */
  async decide(tx: Tx, pool: FreePool): Promise<Candidate | undefined> {
    // A run too long for a CPU worker is not the cpu pool's while a GPU worker was seen lately
    // (GPU_SEEN_WINDOW_MIN).
    const gpuSeen =
      pool.pool === CPU_POOL &&
      gpuWaitEndsAt(await SchedulingRepository.lastGpuHeartbeat(tx), this.config.gpuSeenWindowMs) !== null;
    const heads = await tx.$queryRaw<
      { runId: string; createdAt: Date; teamId: string; weight: number; budgetHours: number | null }[]
    >`
      SELECT r.id::text AS "runId", r."createdAt", t.id::text AS "teamId", t."shareWeight" AS weight,
             t."weeklyBudgetHours" AS "budgetHours"
      FROM "Team" t CROSS JOIN LATERAL (
        SELECT id, "createdAt" FROM "Run"
        WHERE "teamId" = t.id AND "status" = 'queued' AND "dispatchedAt" IS NULL
          AND ("requiredPool" IS NULL OR "requiredPool" = ${pool.pool})
          AND ("minSpeed" IS NULL OR "minSpeed" <= ${pool.speed ?? 0})
          AND NOT ("prefersGpu" AND ${gpuSeen}::boolean)
        ORDER BY "createdAt", id
        LIMIT 1
      ) r`;
    if (heads.length === 0) return undefined;
    const now = new Date();
    const windowStart = new Date(now.getTime() - this.config.fairShareWindowMs);
    const finished = await this.finishedUse(tx, windowStart, weekStart(now));
    const teamIds = heads.map((h) => h.teamId);
    const use = await SchedulingRepository.teamUse(tx, windowStart, weekStart(now), teamIds, finished);
    return chooseNext(
      heads.map((h) => ({
        runId: h.runId,
        createdAt: h.createdAt,
        team: teamShare({ id: h.teamId, shareWeight: h.weight, weeklyBudgetHours: h.budgetHours }, use.get(h.teamId)),
      })),
    );
  }
}
