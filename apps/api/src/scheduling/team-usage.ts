import type { PrismaService } from '../prisma/prisma.service';

/** What the usage queries run on: the client or a transaction's. */
type Db = Pick<PrismaService, '$queryRaw'>;

/** Weeks start Monday 00:00 UTC: budgets are per calendar week, so "when it frees up" is a fixed moment. */
export function weekStart(now: Date): Date {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  return start;
}

export function nextWeekStart(now: Date): Date {
  const next = weekStart(now);
  next.setUTCDate(next.getUTCDate() + 7);
  return next;
}

/**
 * Worker time per team since `since`, in ms: every run given to a worker, from when it was given (or started,
 * for runs older than the scheduler) to when it finished, or to now while it runs. `teamIds` null: every team.
 */
export async function workerTimeSince(db: Db, since: Date, teamIds: string[] | null): Promise<Map<string, number>> {
  const [finished, unfinished] = await Promise.all([
    finishedWorkerTimeSince(db, since, teamIds),
    unfinishedWorkerTimeSince(db, since, teamIds),
  ]);
  return addUp(finished, unfinished);
}

export function addUp(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const sum = new Map(a);
  for (const [team, ms] of b) sum.set(team, (sum.get(team) ?? 0) + ms);
  return sum;
}

/** The finished runs' part (by finishedAt's index): the most rows, and it changes only as runs finish. */
export async function finishedWorkerTimeSince(
  db: Db,
  since: Date,
  teamIds: string[] | null,
): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ teamId: string; ms: number }[]>`
    SELECT "teamId"::text AS "teamId",
           SUM(EXTRACT(EPOCH FROM ("finishedAt" - GREATEST(COALESCE("dispatchedAt", "startedAt"), ${since}))) * 1000)::float8 AS ms
    FROM "Run"
    WHERE "finishedAt" > ${since} AND "status" IN ('completed', 'failed', 'cancelled') AND "kind" = 'trained'
      AND COALESCE("dispatchedAt", "startedAt") IS NOT NULL
      AND (${teamIds}::uuid[] IS NULL OR "teamId" = ANY(${teamIds}::uuid[]))
    GROUP BY "teamId"`;
  return new Map(rows.map((r) => [r.teamId, Math.max(0, r.ms)]));
}

/** The unfinished runs' part (by status's index), counted to now. */
export async function unfinishedWorkerTimeSince(
  db: Db,
  since: Date,
  teamIds: string[] | null,
): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ teamId: string; ms: number }[]>`
    SELECT "teamId"::text AS "teamId",
           SUM(EXTRACT(EPOCH FROM (now() - GREATEST(COALESCE("dispatchedAt", "startedAt"), ${since}))) * 1000)::float8 AS ms
    FROM "Run"
    WHERE "status" IN ('queued', 'running') AND COALESCE("dispatchedAt", "startedAt") IS NOT NULL
      AND (${teamIds}::uuid[] IS NULL OR "teamId" = ANY(${teamIds}::uuid[]))
    GROUP BY "teamId"`;
  return new Map(rows.map((r) => [r.teamId, Math.max(0, r.ms)]));
}

/** Runs per team given to a worker and not finished. */
export async function inFlightByTeam(db: Db, teamIds: string[]): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ teamId: string; n: number }[]>`
    SELECT "teamId"::text AS "teamId", COUNT(*)::int AS n FROM "Run"
    WHERE "status" IN ('queued', 'running') AND "dispatchedAt" IS NOT NULL AND "teamId" = ANY(${teamIds}::uuid[])
    GROUP BY "teamId"`;
  return new Map(rows.map((r) => [r.teamId, r.n]));
}
