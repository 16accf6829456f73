import type { GroupDto, QuotaDto, RunDto, TeamsQuotaDto } from '@gradlab/contracts';
import { startStack, waitUntil, type Stack } from './support/stack';

/** A run of a second or two on a worker. */
const tinyConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 3, batchSize: 50 },
  data: { dataset: 'synthetic', trainLimit: 1000, valLimit: 100, testLimit: 100 },
};

/**
 * Fair share with real workers: two worker processes, teams that submit as students do, and who ran when
 * read back from the runs' start and finish times.
 */
describe('fair share across teams (two real workers)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ WORKERS: '0' });
    stack.startWorker({ WORKER_ID: 'w1' });
    stack.startWorker({ WORKER_ID: 'w2' });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  const as = async <T>(key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.apiUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const group = (key: string, name: string, runs: number) =>
    as<GroupDto>(key, 'POST', '/groups', {
      name,
      config: tinyConfig,
      seeds: Array.from({ length: runs }, (_, i) => i),
    });
  const runsOf = async (key: string) => (await as<{ items: RunDto[] }>(key, 'GET', '/runs?pageSize=200')).items;
  const allFinished = (keys: string[], timeoutMs: number) =>
    waitUntil(
      'every run to finish',
      async () => (await Promise.all(keys.map(runsOf))).flat().every((r) => r.status === 'completed'),
      timeoutMs,
      1000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${stack.logs.join('').slice(-6000)}`);
    });
  const startOf = (r: RunDto) => Date.parse(r.startedAt as string);

  it('team A queues 20 runs, then team B 2: B starts within the next 2 dispatches', async () => {
    const a = await stack.createStudent('team-a', 'a@uni.test');
    const b = await stack.createStudent('team-b', 'b@uni.test');
    await group(a, 'A sweep', 20);
    await waitUntil('A to have runs training', async () => (await runsOf(a)).some((r) => r.startedAt), 60_000);
    const bSubmittedAt = Date.now();
    await group(b, 'B pair', 2);
    await allFinished([a, b], 240_000);
    const [aRuns, bRuns] = [await runsOf(a), await runsOf(b)];
    const bFirst = Math.min(...bRuns.map(startOf));
    // A's runs started after B submitted and before B's first: at most one dispatch went to A meanwhile.
    const aBetween = aRuns.filter((r) => startOf(r) > bSubmittedAt && startOf(r) < bFirst);
    expect(aBetween.length).toBeLessThanOrEqual(1);
    expect(aRuns.filter((r) => startOf(r) > bFirst).length).toBeGreaterThan(10); // A still had most waiting
    // The quota endpoint shows each team its own worker time.
    const quota = await as<QuotaDto>(b, 'GET', '/quota');
    expect(quota).toMatchObject({ teamName: 'team-b', weight: 1, weeklyBudgetHours: null, queued: 0 });
    expect(quota.windowUsedHours).toBeGreaterThan(0);
  }, 300_000);

  it('over a long mixed load, worker time comes out in proportion to the weights staff set (2:1, within 10%)', async () => {
    const heavy = await stack.createStudent('team-weight-2', 'w2@uni.test');
    const light = await stack.createStudent('team-weight-1', 'w1@uni.test');
    const teams = (await stack.api<TeamsQuotaDto>('/teams/quota')).teams;
    const id = (name: string) => teams.find((t) => t.teamName === name)?.teamId as string;
    await stack.api(`/teams/${id('team-weight-2')}/share`, { method: 'PUT', body: JSON.stringify({ weight: 2 }) });
    await group(light, 'light sweep', 30);
    await group(heavy, 'heavy sweep', 30);
    await allFinished([heavy, light], 420_000);
    const [heavyRuns, lightRuns] = [await runsOf(heavy), await runsOf(light)];
    // While both teams had runs waiting: from the first start to the last start of the team that ran out first.
    const all = [...heavyRuns, ...lightRuns];
    const from = Math.min(...all.map(startOf));
    const until = Math.min(Math.max(...heavyRuns.map(startOf)), Math.max(...lightRuns.map(startOf)));
    const workerTime = (runs: RunDto[], to: number) =>
      runs.reduce((total, r) => {
        const start = Math.max(from, startOf(r));
        const end = Math.min(to, Date.parse(r.finishedAt as string));
        return total + Math.max(0, end - start);
      }, 0);
    // Each decision keeps the teams' time near 2:1, a run's length at most either side: the ratio swings
    // around 2. Its mean over the decisions of the second half of the load (the first half is the start-up,
    // when the team that submitted first had both workers) is what the load comes out at.
    const ratios = all
      .map(startOf)
      .filter((t) => t >= from + (until - from) / 2 && t <= until)
      .map((t) => workerTime(heavyRuns, t) / workerTime(lightRuns, t));
    const ratio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const total = `${workerTime(heavyRuns, until)} ms : ${workerTime(lightRuns, until)} ms`;
    console.log(
      `fair share 2:1 -> worker time ${total}; mean ratio over ${ratios.length} decisions ${ratio.toFixed(3)}`,
    );
    expect(ratios.length).toBeGreaterThan(10);
    expect(Math.abs(ratio / 2 - 1)).toBeLessThan(0.1);
  }, 480_000);
});
