import { GPU_POOL, type ExperimentConfig } from '@gradlab/contracts';
import type { PrismaService } from '../prisma/prisma.service';

type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];
/** What the usage queries run on: the client or a transaction's. */
type Db = Pick<PrismaService, '$queryRaw'>;

/**
 * The scheduler's queries: its write to the Run table (RunRepository owns every other one; run-writers.spec.ts
 * holds the rest of the code to the two), and each team's use of the workers, which fair share and the weekly
 * budgets weigh (scheduling-policy.ts has the rules).
 */
export const SchedulingRepository = {
  teamUse,
  finishedUse,

  /** The latest heartbeat of a worker of the gpu pool; null when none ever beat. */
  async lastGpuHeartbeat(db: Pick<PrismaService, 'worker'>): Promise<Date | null> {
    const last = await db.worker.aggregate({ where: { pool: GPU_POOL }, _max: { lastHeartbeatAt: true } });
    return last._max.lastHeartbeatAt;
  },

  /**
   * Gives a queued run, not yet given, to `pool` inside the dispatch decision's transaction; its config, or
   * null when another decision gave it first or it is no longer queued.
   */
  async markDispatched(tx: Tx, runId: string, pool: string): Promise<{ config: ExperimentConfig } | null> {
    const [run] = await tx.$queryRaw<{ config: ExperimentConfig }[]>`
      UPDATE "Run" SET "dispatchedAt" = now(), pool = ${pool}
      WHERE id = ${runId}::uuid AND "status" = 'queued' AND "dispatchedAt" IS NULL
      RETURNING config`;
    return run ?? null;
  },
};

/** A team's use of the workers: worker time over the fair-share window and this week, runs in flight. */
export interface TeamUse {
  windowMs: number;
  weekMs: number;
  inFlight: number;
}

/** Every team's worker time in finished runs, over the window and this week (`teamIds` null: every team). */
export interface FinishedUse {
  window: Map<string, number>;
  week: Map<string, number>;
}

async function finishedUse(db: Db, windowStart: Date, week: Date, teamIds: string[] | null): Promise<FinishedUse> {
  const [window, thisWeek] = await Promise.all([
    finishedWorkerTimeSince(db, windowStart, teamIds),
    finishedWorkerTimeSince(db, week, teamIds),
  ]);
  return { window, week: thisWeek };
}

/**
 * Each team's use: every run a worker took, from when it started (or, not started yet, was given to a
 * worker) to when it finished, or to now while it runs. `finished` when the caller has it already (cached).
 */
async function teamUse(
  db: Db,
  windowStart: Date,
  week: Date,
  teamIds: string[],
  finished?: FinishedUse,
): Promise<Map<string, TeamUse>> {
  const [done, running] = await Promise.all([
    finished ?? finishedUse(db, windowStart, week, teamIds),
    unfinishedUse(db, windowStart, week, teamIds),
  ]);
  return new Map(
    teamIds.map((id) => [
      id,
      {
        windowMs: (done.window.get(id) ?? 0) + (running.get(id)?.windowMs ?? 0),
        weekMs: (done.week.get(id) ?? 0) + (running.get(id)?.weekMs ?? 0),
        inFlight: running.get(id)?.inFlight ?? 0,
      },
    ]),
  );
}

/** The finished runs' part (by finishedAt's index): the most rows, and it changes only as runs finish. */
async function finishedWorkerTimeSince(db: Db, since: Date, teamIds: string[] | null): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ teamId: string; ms: number }[]>`
    SELECT "teamId"::text AS "teamId",
           SUM(EXTRACT(EPOCH FROM ("finishedAt" - GREATEST(COALESCE("startedAt", "dispatchedAt"), ${since}))) * 1000)::float8 AS ms
    FROM "Run"
    WHERE "finishedAt" > ${since} AND "status" IN ('completed', 'failed', 'cancelled') AND "kind" = 'trained'
      AND COALESCE("startedAt", "dispatchedAt") IS NOT NULL
      AND (${teamIds}::uuid[] IS NULL OR "teamId" = ANY(${teamIds}::uuid[]))
    GROUP BY "teamId"`;
  return new Map(rows.map((r) => [r.teamId, Math.max(0, r.ms)]));
}

/** A team's runs that a worker has and that have not finished. */
interface UnfinishedUse {
  /** Their worker time to now since the window's start, and since the week's. */
  windowMs: number;
  weekMs: number;
  /** How many. */
  inFlight: number;
}

/** The unfinished runs' part, per team, in one query (by status's index). */
async function unfinishedUse(
  db: Db,
  windowStart: Date,
  weekStart: Date,
  teamIds: string[] | null,
): Promise<Map<string, UnfinishedUse>> {
  const rows = await db.$queryRaw<({ teamId: string } & UnfinishedUse)[]>`
    SELECT "teamId"::text AS "teamId",
           SUM(GREATEST(0, EXTRACT(EPOCH FROM (now() - GREATEST(COALESCE("startedAt", "dispatchedAt"), ${windowStart}))) * 1000))::float8 AS "windowMs",
           SUM(GREATEST(0, EXTRACT(EPOCH FROM (now() - GREATEST(COALESCE("startedAt", "dispatchedAt"), ${weekStart}))) * 1000))::float8 AS "weekMs",
           COUNT(*)::int AS "inFlight"
    FROM "Run"
    WHERE "status" IN ('queued', 'running') AND COALESCE("startedAt", "dispatchedAt") IS NOT NULL
      AND (${teamIds}::uuid[] IS NULL OR "teamId" = ANY(${teamIds}::uuid[]))
    GROUP BY "teamId"`;
  return new Map(rows.map(({ teamId, ...use }) => [teamId, use]));
}
