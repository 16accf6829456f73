/**
 * Fair share, the decision itself (no I/O). Slurm's fair-share, simplified to what a course needs: the team
 * that used the least worker time over the window, per unit of its weight, goes first; a team past its
 * weekly budget goes after every team within theirs (its runs still take a worker no one else wants, so a
 * queued run never waits forever); within a team, first in, first out.
 */
export interface TeamShare {
  teamId: string;
  /** Staff's weight: a team of weight 2 is given twice the worker time of a team of weight 1. */
  weight: number;
  /** Worker time its runs used over the fair-share window, in ms (running runs counted to now). */
  usedMs: number;
  /** Its runs given to a worker and not finished: between two teams that used as little, the one with fewer. */
  inFlight: number;
  overBudget: boolean;
}

/** A team's oldest queued run that a free worker could take. */
export interface Candidate {
  runId: string;
  createdAt: Date;
  team: TeamShare;
}

/** Negative when `a` goes before `b`. */
function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    Number(a.team.overBudget) - Number(b.team.overBudget) ||
    a.team.usedMs / a.team.weight - b.team.usedMs / b.team.weight ||
    a.team.inFlight / a.team.weight - b.team.inFlight / b.team.weight ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0)
  );
}

/** The run the next free worker takes; undefined when there is none. */
export function chooseNext(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) if (!best || compareCandidates(c, best) < 0) best = c;
  return best;
}

export interface QueuedRun {
  runId: string;
  teamId: string;
  createdAt: Date;
  /** How long it will train; null when nothing measured says. */
  estimateMs: number | null;
}

export interface PlannedStart {
  /** 1 = the next run given to a worker. */
  position: number;
  /** From now until a worker takes it; null when a run before it (or it) has no estimate. */
  waitMs: number | null;
}

/**
 * Where `runId` comes in the order fair share will give the queued runs to workers, and when: the dispatcher's
 * decisions played forward, each run charged to its team's use as it is given (its estimate), each worker
 * free when its run ends. `workersFreeInMs` says when each worker is free (0: now).
 */
export function planStart(
  runId: string,
  queued: QueuedRun[],
  teams: Map<string, TeamShare>,
  workersFreeInMs: number[],
): PlannedStart | undefined {
  const byTeam = new Map<string, QueuedRun[]>();
  for (const run of [...queued].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const runs = byTeam.get(run.teamId) ?? [];
    runs.push(run);
    byTeam.set(run.teamId, runs);
  }
  const head = new Map<string, number>(); // each team's next run, by index
  const share = new Map([...teams].map(([id, t]) => [id, { ...t }]));
  const free = workersFreeInMs.length ? [...workersFreeInMs] : [0];
  let known = true;
  for (let position = 1; byTeam.size > 0; position++) {
    const heads: Candidate[] = [];
    for (const [teamId, runs] of byTeam) {
      const team = share.get(teamId) ?? { teamId, weight: 1, usedMs: 0, inFlight: 0, overBudget: false };
      share.set(teamId, team);
      const first = runs[head.get(teamId) ?? 0];
      heads.push({ runId: first.runId, createdAt: first.createdAt, team });
    }
    const next = chooseNext(heads) as Candidate;
    const teamId = next.team.teamId;
    const runs = byTeam.get(teamId) as QueuedRun[];
    const index = head.get(teamId) ?? 0;
    const run = runs[index];
    head.set(teamId, index + 1);
    if (index + 1 === runs.length) byTeam.delete(teamId);
    // The worker free soonest takes it.
    let worker = 0;
    for (let w = 1; w < free.length; w++) if (free[w] < free[worker]) worker = w;
    const startsInMs = free[worker];
    if (run.runId === runId) return { position, waitMs: known ? startsInMs : null };
    if (run.estimateMs === null) known = false;
    const chargeMs = run.estimateMs ?? 1;
    free[worker] += chargeMs;
    next.team.usedMs += chargeMs;
    next.team.inFlight += 1;
  }
  return undefined;
}
