// The scheduler's rules, each said once: a budget's week, the over-budget rule, a team's fair share, and how
// long a GPU worker seen counts (a run too long for a CPU worker waits for one meanwhile). The queries that
// measure use and heartbeats are SchedulingRepository's.
import type { TeamShare } from './fair-share';
import type { TeamUse } from './scheduling.repository';

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

/**
 * The GPU-seen rule: until when a run too long for a CPU worker waits for a GPU worker, the last GPU worker's
 * heartbeat plus GPU_SEEN_WINDOW_MIN; null when none was seen in that window (a CPU worker may take it now).
 */
export function gpuWaitEndsAt(lastGpuHeartbeat: Date | null, windowMs: number, now = new Date()): Date | null {
  if (!lastGpuHeartbeat) return null;
  const ends = new Date(lastGpuHeartbeat.getTime() + windowMs);
  return ends > now ? ends : null;
}
