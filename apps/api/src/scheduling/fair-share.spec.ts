import { chooseNext, planStart, type QueuedRun, type TeamShare } from './fair-share';

const team = (teamId: string, over: Partial<TeamShare> = {}): TeamShare => ({
  teamId,
  weight: 1,
  usedMs: 0,
  inFlight: 0,
  overBudget: false,
  ...over,
});
const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 9, 0, s));

describe('chooseNext: fair share', () => {
  it('the team that used the least worker time per unit of weight goes first, whoever queued first', () => {
    const heavy = { runId: 'a1', createdAt: at(0), team: team('a', { usedMs: 3_600_000 }) };
    const light = { runId: 'b1', createdAt: at(5), team: team('b', { usedMs: 60_000 }) };
    expect(chooseNext([heavy, light])?.runId).toBe('b1');
    // weight 100: an hour counts as 36 s
    const weighted = { ...heavy, team: team('a', { usedMs: 3_600_000, weight: 100 }) };
    expect(chooseNext([weighted, light])?.runId).toBe('a1');
  });

  it('between teams that used as little: fewer runs in flight, then the older run', () => {
    const busy = { runId: 'a2', createdAt: at(0), team: team('a', { inFlight: 2 }) };
    const idle = { runId: 'b1', createdAt: at(9), team: team('b') };
    expect(chooseNext([busy, idle])?.runId).toBe('b1');
    const older = { runId: 'c1', createdAt: at(1), team: team('c') };
    expect(chooseNext([idle, older])?.runId).toBe('c1');
  });

  it('a team past its budget goes after every team within theirs, but still before nothing', () => {
    const over = { runId: 'a1', createdAt: at(0), team: team('a', { overBudget: true }) };
    const within = { runId: 'b1', createdAt: at(9), team: team('b', { usedMs: 10 * 3_600_000 }) };
    expect(chooseNext([over, within])?.runId).toBe('b1');
    expect(chooseNext([over])?.runId).toBe('a1');
    expect(chooseNext([])).toBeUndefined();
  });
});

describe('planStart: the queue as the dispatcher will give it out', () => {
  const run = (runId: string, teamId: string, s: number, estimateMs: number | null = 60_000): QueuedRun => ({
    runId,
    teamId,
    createdAt: at(s),
    estimateMs,
  });

  it("team A's 20 runs (2 training) then team B's 2: B's go next, each charged its estimate", () => {
    const queued = [
      ...Array.from({ length: 20 }, (_, i) => run(`a${i}`, 'a', i)),
      run('b0', 'b', 30),
      run('b1', 'b', 31),
    ];
    const teams = new Map([['a', team('a', { usedMs: 120_000, inFlight: 2 })]]);
    const first = planStart('b0', queued, teams, [30_000, 60_000]);
    expect(first).toEqual({ position: 1, waitMs: 30_000 }); // B used nothing: next
    // b0 charged its 60 s: B 60 s < A 120 s, so b1 too (on the worker free at 60 s); then A's oldest waiting.
    expect(planStart('b1', queued, teams, [30_000, 60_000])).toEqual({ position: 2, waitMs: 60_000 });
    expect(planStart('a0', queued, teams, [30_000, 60_000])).toEqual({ position: 3, waitMs: 90_000 });
    // with A at 10 min used, B's 2 runs still come before A's next, A's then follow in order
    const heavy = new Map([['a', team('a', { usedMs: 600_000 })]]);
    expect(planStart('a1', queued, heavy, [0])?.position).toBe(4);
  });

  it('FIFO within a team; waits add up over the workers; unknown estimates make the wait unknown', () => {
    const queued = [run('x0', 'x', 0), run('x1', 'x', 1), run('x2', 'x', 2)];
    expect(planStart('x2', queued, new Map(), [0, 0])).toEqual({ position: 3, waitMs: 60_000 });
    const unknown = [run('y0', 'y', 0, null), run('y1', 'y', 1)];
    expect(planStart('y1', unknown, new Map(), [0])).toEqual({ position: 2, waitMs: null });
    expect(planStart('nope', queued, new Map(), [0])).toBeUndefined();
  });
});
