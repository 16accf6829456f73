import type { PrismaService } from '../prisma/prisma.service';
import type { TeamShare } from './fair-share';

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

export async function finishedUse(
  db: Db,
  windowStart: Date,
  week: Date,
  teamIds: string[] | null,
): Promise<FinishedUse> {
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
export async function teamUse(
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

/**
 * The over-budget rule, the one place it is said: a team with a weekly budget that has used it up this week.
 * Fair share puts such a team's runs last; submissions then answer QUOTA_EXCEEDED (quota.service.ts).
 */
export function overWeeklyBudget(weeklyBudgetHours: number | null, weekMs: number): boolean {
  return weeklyBudgetHours !== null && weekMs >= weeklyBudgetHours * 3600_000;
}

/** A team as fair share weighs it: its weight, its use, and whether this week's budget is spent. */
export function teamShare(
  team: { id: string; shareWeight: number; weeklyBudgetHours: number | null },
  use: TeamUse | undefined,
): TeamShare {
  return {
    teamId: team.id,
    weight: team.shareWeight,
    usedMs: use?.windowMs ?? 0,
    inFlight: use?.inFlight ?? 0,
    overBudget: overWeeklyBudget(team.weeklyBudgetHours, use?.weekMs ?? 0),
  };
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
