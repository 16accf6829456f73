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
 * Worker time per team since `since`, in ms: every run a worker took, from when it started (or, not started
 * yet, was given to a worker) to when it finished, or to now while it runs. `teamIds` null: every team.
 */
export async function workerTimeSince(db: Db, since: Date, teamIds: string[] | null): Promise<Map<string, number>> {
  const [finished, unfinished] = await Promise.all([
    finishedWorkerTimeSince(db, since, teamIds),
    unfinishedUse(db, since, since, teamIds),
  ]);
  return addUp(finished, new Map([...unfinished].map(([team, use]) => [team, use.windowMs])));
}

function addUp(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
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
           SUM(EXTRACT(EPOCH FROM ("finishedAt" - GREATEST(COALESCE("startedAt", "dispatchedAt"), ${since}))) * 1000)::float8 AS ms
    FROM "Run"
    WHERE "finishedAt" > ${since} AND "status" IN ('completed', 'failed', 'cancelled') AND "kind" = 'trained'
      AND COALESCE("startedAt", "dispatchedAt") IS NOT NULL
      AND (${teamIds}::uuid[] IS NULL OR "teamId" = ANY(${teamIds}::uuid[]))
    GROUP BY "teamId"`;
  return new Map(rows.map((r) => [r.teamId, Math.max(0, r.ms)]));
}

/** A team's runs that a worker has and that have not finished. */
export interface UnfinishedUse {
  /** Their worker time to now since the window's start, and since the week's. */
  windowMs: number;
  weekMs: number;
  /** How many. */
  inFlight: number;
}

/** The unfinished runs' part, per team, in one query (by status's index). */
export async function unfinishedUse(
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
