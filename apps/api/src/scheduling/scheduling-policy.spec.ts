import { gpuWaitEndsAt, nextWeekStart, overWeeklyBudget, weekStart } from './scheduling-policy';

const HOUR = 3600_000;

describe("the scheduler's rules", () => {
  it('a budget week runs from Monday 00:00 UTC to the next', () => {
    const sunday = new Date('2026-12-06T23:59:59Z');
    const monday = new Date('2026-12-07T00:00:00Z');
    expect(weekStart(sunday).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(weekStart(monday).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(nextWeekStart(sunday).toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });

  it('a team is over its weekly budget once it has used all of it, and never without one', () => {
    expect(overWeeklyBudget(2, 2 * HOUR - 1)).toBe(false);
    expect(overWeeklyBudget(2, 2 * HOUR)).toBe(true);
    expect(overWeeklyBudget(null, 1000 * HOUR)).toBe(false);
  });

  it('a GPU worker seen counts for the window after its last heartbeat, and none seen not at all', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const seen = new Date('2026-12-07T11:30:00Z');
    expect(gpuWaitEndsAt(seen, HOUR, now)?.toISOString()).toBe('2026-12-07T12:30:00.000Z');
    expect(gpuWaitEndsAt(seen, 30 * 60_000, now)).toBeNull(); // its window ended just now
    expect(gpuWaitEndsAt(null, HOUR, now)).toBeNull();
  });
});
