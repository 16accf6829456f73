import {
  RUN_EVENT_VERSION,
  type RunDto,
  QUEUES,
  redisConnectionFromUrl,
  type AggregateDto,
  type CohortDto,
  type DiagnosisDto,
  type EpochCompletedEvent,
  type GroupDto,
} from '@gradlab/contracts';
import { summarize, summarizeLog } from '@gradlab/analysis';
import { Queue } from 'bullmq';
import { unzipSync } from 'fflate';
import { migrateDatabase } from '../database/migrator';
import { PrismaService } from '../prisma/prisma.service';
import { RunEventsService } from '../run-events/run-events.service';
import { epochCompletedEvent, layerStat } from '../test-support/run-event-builders';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { createStudent } from '../test-support/create-student';
import { startTestApi, type TestApi } from '../test-support/test-api';

const smallConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 3 },
  data: { dataset: 'synthetic' },
};

/** An epoch with hand-picked numbers: three conv layers whose gradients scale with `g`. */
const epochEvent = (
  runId: string,
  epoch: number,
  trainLoss: number,
  valAccuracy: number,
  g: number,
): EpochCompletedEvent =>
  epochCompletedEvent(runId, epoch, {
    trainLoss,
    trainAccuracy: 0.5,
    valLoss: 2,
    valAccuracy,
    durationMs: 1000,
    layers: [0, 1, 2].map((i) => layerStat(i, { meanAbs: g * 10 ** -i, lastBatchMeanAbs: g, weightL2: 2 * (i + 1) })),
  });

describe('groups: seeds x grid, aggregation, diagnosis and the cohort (real api, Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let queue: Queue;
  let outsider = '';
  const prefix = testQueuePrefix();

  const call = async <T = unknown>(method: string, route: string, body?: unknown, key = api.adminToken) => {
    const response = await fetch(`${api.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as T & { message?: string; errors?: { field: string; message: string }[] },
    };
  };
  const gql = async (query: string, variables?: Record<string, unknown>, key = api.adminToken) => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions: Record<string, unknown> }[];
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      MAX_GROUP_RUNS: '12',
      MAX_QUEUED_RUNS_PER_TEAM: '20',
    });
    queue = new Queue(QUEUES.training, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
    outsider = (await createStudent(api, 'team-outside', 'outsider@uni.test')).key;
  }, 60_000);
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await api.app.close();
    await db.drop();
  });

  it('queues the cross product of seeds and grid as runs of the group, each with its seed and cell', async () => {
    const { status, body: group } = await call<GroupDto>('POST', '/api/groups', {
      name: 'lr sweep',
      config: smallConfig,
      seeds: [0, 1, 2],
      grid: { lr: [1e-3, 3e-4], 'training.batchSize': [64] },
    });
    expect(status).toBe(201);
    expect(group).toMatchObject({
      name: 'lr sweep',
      seeds: [0, 1, 2],
      grid: { lr: [1e-3, 3e-4], batch: [64] },
      counts: { queued: 6 },
    });
    expect(group.runs).toHaveLength(6);
    expect(
      group.runs.map((r) => [
        r.seed,
        r.cell.lr,
        r.config.training.learningRate,
        r.config.training.batchSize,
        r.config.training.seed,
      ]),
    ).toEqual([
      [0, 1e-3, 1e-3, 64, 0],
      [1, 1e-3, 1e-3, 64, 1],
      [2, 1e-3, 1e-3, 64, 2],
      [0, 3e-4, 3e-4, 64, 0],
      [1, 3e-4, 3e-4, 64, 1],
      [2, 3e-4, 3e-4, 64, 2],
    ]);
    expect(group.runs[0].name).toBe('lr sweep lr=0.001 batch=64 seed 0');
    expect(group.runs.every((r) => r.groupId === group.id && r.status === 'queued')).toBe(true);
    expect(group.cells.map((c) => [c.key, c.runIds.length])).toEqual([
      ['lr=0.001 batch=64', 3],
      ['lr=0.0003 batch=64', 3],
    ]);
    for (const run of group.runs) {
      const stored = await call<RunDto>('GET', `/api/runs/${run.id}`);
      expect([stored.body.config.training.seed, stored.body.pool]).toEqual([run.seed, null]);
      expect(await queue.getJob(run.id)).toBeUndefined(); // no worker: each waits for the dispatcher
    }
    const listed = await call<{ items: { id: string; size: number }[] }>('GET', '/api/groups');
    expect(listed.body.items[0]).toMatchObject({ id: group.id, size: 6 });
  }, 30_000);

  it('refuses bad seeds and grids with field errors, and writes nothing', async () => {
    const before = await call<{ items: unknown[] }>('GET', '/api/groups');
    const bad = await call('POST', '/api/groups', {
      config: smallConfig,
      seeds: [0, 0],
      grid: { lr: [1e-3, -1], momentum: [0.9], batch: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'seeds', message: 'must not repeat a seed' },
        expect.objectContaining({ field: 'grid.batch' }),
      ]),
    );
    const values = await call('POST', '/api/groups', {
      config: smallConfig,
      grid: { lr: [1e-3, -1], momentum: [0.9] },
    });
    expect(values.body.errors).toEqual([
      { field: 'grid.lr[1]', message: '-1: Too small: expected number to be >0' },
      { field: 'grid.momentum', message: expect.stringMatching(/^unknown parameter: one of lr, minLr, batch/) },
    ]);
    const tooMany = await call('POST', '/api/groups', {
      config: smallConfig,
      seeds: [0, 1, 2, 3, 4],
      grid: { lr: [1e-3, 3e-4, 1e-4] },
    });
    expect(tooMany.body.errors).toEqual([
      { field: 'grid', message: 'the group would have 15 runs (5 seeds x 3 cells); at most 12' },
    ]);
    expect((await call<{ items: unknown[] }>('GET', '/api/groups')).body.items).toHaveLength(before.body.items.length);
  }, 30_000);

  it("counts every run against the team's queue cap: all or nothing", async () => {
    const student = (await createStudent(api, 'team-cap', 'cap@uni.test')).key;
    const first = await call<GroupDto>(
      'POST',
      '/api/groups',
      { config: smallConfig, seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
      student,
    );
    expect(first.status).toBe(201);
    const second = await call(
      'POST',
      '/api/groups',
      { config: smallConfig, seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      student,
    );
    expect(second.status).toBe(429);
    expect(second.body.message).toMatch(/already has 12 runs waiting .*limit is 20; these 10 runs would make 22/);
    expect((await call<{ items: unknown[] }>('GET', '/api/groups', undefined, student)).body.items).toHaveLength(1);
    // cancelled as a whole: every member, and their jobs leave the queue
    const cancelled = await call<GroupDto>('POST', `/api/groups/${first.body.id}/cancel`, undefined, student);
    expect(cancelled.body.counts).toMatchObject({ cancelled: 12, queued: 0 });
    for (const run of first.body.runs) expect(await queue.getJob(run.id)).toBeUndefined();
  }, 30_000);

  it('aggregates a seed group per epoch and per layer, checked against numbers worked by hand', async () => {
    const { body: group } = await call<GroupDto>('POST', '/api/groups', {
      name: 'seeds',
      config: smallConfig,
      seeds: [0, 1],
    });
    const [a, b] = group.runs;
    const events = api.app.get(RunEventsService);
    // run a: three epochs; run b stopped after two
    for (const [e, loss, acc] of [
      [0, 4, 0.1],
      [1, 3, 0.2],
      [2, 2, 0.3],
    ])
      await events.epochCompleted(epochEvent(a.id, e, loss, acc, 1e-2));
    // read while the group trains: the statistics the api keeps from this read must not stand for later epochs
    const early = await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate`);
    expect(early.body.gradientFlow.map((f) => f.layers[0].n)).toEqual([1, 1, 1]);
    for (const [e, loss, acc] of [
      [0, 6, 0.3],
      [1, 5, 0.4],
    ])
      await events.epochCompleted(epochEvent(b.id, e, loss, acc, 1e-4));
    const { status, body } = await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate`);
    expect(status).toBe(200);
    expect(body.runs).toEqual([a.id, b.id]);
    expect(body.epochs.map((e) => e.n)).toEqual([2, 2, 1]);
    // epoch 0: losses 4 and 6: mean 5, sample std sqrt(((4-5)^2 + (6-5)^2) / 1) = sqrt 2
    expect(body.epochs[0].trainLoss).toEqual({ mean: 5, std: expect.closeTo(Math.SQRT2, 12), min: 4, max: 6, n: 2 });
    expect(body.epochs[1].valAccuracy.mean).toBeCloseTo(0.3, 12);
    expect(body.epochs[2].trainLoss).toEqual({ mean: 2, std: null, min: 2, max: 2, n: 1 });
    // layer 0, epoch 0: 1e-2 and 1e-4: geometric mean 1e-3, log10 std sqrt(((-2+3)^2 + (-4+3)^2) / 1) = sqrt 2 decades
    const layer0 = body.gradientFlow[0].layers[0];
    expect(layer0.shortName).toBe('conv_0');
    expect(layer0.meanAbs.geometricMean).toBeCloseTo(1e-3, 15);
    expect(layer0.meanAbs.log10Std).toBeCloseTo(Math.SQRT2, 12);
    expect(layer0.weightL2).toEqual({ mean: 2, std: 0, min: 2, max: 2, n: 2 });
    expect(body.gradientFlow.map((f) => f.layers[0].n)).toEqual([2, 2, 1]);
    expect(body.logScale).toEqual(['meanAbs', 'lastBatchMeanAbs', 'l2', 'maxAbs', 'updateRatio']);
    expect((await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate`)).body).toEqual(body); // read again
    // as the group page reads it: the layer statistics of the last epoch both runs reached (1), not of epoch 2
    const latest = await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate?gradientFlow=latest`);
    expect(latest.body).toEqual({ ...body, gradientFlow: [body.gradientFlow[1]] });
    const none = await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate?gradientFlow=none`);
    expect(none.body).toEqual({ ...body, gradientFlow: [] });
    const wrong = await call('GET', `/api/groups/${group.id}/aggregate?gradientFlow=last`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ errors: [{ field: 'gradientFlow' }] });
    // as report figures: mean +- std bands in SVG and PDF, and the numbers plotted as CSV
    const figure = async (file: string) => {
      const response = await fetch(`${api.url}/api/groups/${group.id}/figures/${file}`, {
        headers: { authorization: `Bearer ${api.adminToken}` },
      });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: Buffer.from(await response.arrayBuffer()),
      };
    };
    const svg = await figure('learning-curves.svg');
    expect(svg.body.toString()).toContain('>mean ± std<'); // the axes say what the band is
    expect(svg.body.toString().match(/aria-roledescription="area mark"/g)).toHaveLength(4);
    expect((await figure('learning-curves.pdf')).body.subarray(0, 5).toString()).toBe('%PDF-');
    const csv = (await figure('learning-curves.csv')).body.toString().split('\n');
    expect(csv[0]).toBe('series,epoch,split,metric,mean,lower,upper,std,n');
    expect(csv[1]).toBe(`seeds,0,train,loss,5,${5 - Math.SQRT2},${5 + Math.SQRT2},${Math.SQRT2},2`);
    expect((await figure('gradient-flow.svg')).body.toString()).toContain('geometric mean ± std');
    expect((await figure('learning-curves.tex')).status).toBe(404);
    // and in the report pack: the group's figures over seeds, its runs as one mean ± std row of results.tex
    const pack = await fetch(`${api.url}/api/report-pack?groups=${group.id}`, {
      headers: { authorization: `Bearer ${api.adminToken}` },
    });
    expect(pack.headers.get('content-disposition')).toContain('seeds_report-pack.zip');
    const files = unzipSync(new Uint8Array(await pack.arrayBuffer()));
    const dir = `groups/seeds-${group.id.slice(0, 8)}`;
    for (const file of ['learning-curves.pdf', 'learning-curves.svg', 'learning-curves.csv', 'gradient-flow.png'])
      expect(Object.keys(files)).toContain(`${dir}/${file}`);
    expect(Buffer.from(files['results.tex']).toString()).toMatch(/\\pm/);

    // run a completes: its test metrics join the aggregate, which no copy the api kept stands for
    expect(body.test.testAccuracy.n).toBe(0);
    await events.handle({
      v: RUN_EVENT_VERSION,
      type: 'run.completed',
      at: new Date().toISOString(),
      runId: a.id,
      bestEpoch: 2,
      testLoss: 2,
      testAccuracy: 0.5,
    });
    const completed = await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate`);
    expect(completed.body.test.testAccuracy).toMatchObject({ mean: 0.5, n: 1 });
    // the same runs chosen by id: their layer statistics computed from the rows rather than kept
    const chosen = await call<AggregateDto>('GET', `/api/aggregate?runs=${a.id},${b.id}`);
    expect(chosen.body.epochs).toEqual(body.epochs);
    expect(chosen.body.gradientFlow[0].layers[0].meanAbs).toEqual({
      ...layer0.meanAbs,
      geometricMean: expect.closeTo(1e-3, 15),
      log10Std: expect.closeTo(Math.SQRT2, 12),
    });
    // GraphQL gives the same numbers
    const answer = await gql(
      'query($id: ID!) { group(id: $id) { name runs { id groupId } aggregate { epochs { epoch n trainLoss { mean std n } } test { bestValAccuracy { mean n } } } } }',
      { id: group.id },
    );
    const graph = answer.data?.group as {
      runs: { groupId: string }[];
      aggregate: {
        epochs: { n: number; trainLoss: { mean: number; std: number } }[];
        test: { bestValAccuracy: { mean: number; n: number } };
      };
    };
    expect(graph.runs.every((r) => r.groupId === group.id)).toBe(true);
    expect(graph.aggregate.epochs[0]).toMatchObject({
      n: 2,
      trainLoss: { mean: 5, std: expect.closeTo(Math.SQRT2, 12) },
    });
    expect(graph.aggregate.test.bestValAccuracy).toEqual({ mean: expect.closeTo(0.35, 12), n: 2 });
  }, 30_000);

  it("gives, kept as running statistics (a group) and computed from the rows (chosen runs), exactly what libs/analysis's summarize and summarizeLog give, zeros and nulls included", async () => {
    const { body: group } = await call<GroupDto>('POST', '/api/groups', {
      config: smallConfig,
      seeds: [10, 11, 12, 13],
    });
    const events = api.app.get(RunEventsService);
    const random = (i: number) => Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1; // deterministic, spread over decades below
    const sent: EpochCompletedEvent[] = [];
    group.runs.forEach((run, r) => {
      for (const e of [0, 1]) {
        const event = epochEvent(run.id, e, 4 - e, 0.1, 1);
        event.layers = event.layers.map((l, i) => {
          const k = 100 * r + 10 * e + i;
          return {
            ...l,
            meanAbs: 10 ** (-1 - 6 * random(k)),
            lastBatchMeanAbs: k % 7 === 0 ? 0 : 10 ** (-2 * random(k + 1)),
            l2: random(k + 2),
            maxAbs: k % 5 === 0 ? null : 1 + random(k + 3),
            updateRatio: 10 ** (-4 * random(k + 4)),
            weightL2: 5 * random(k + 5),
            nonFiniteCount: k % 3,
          };
        });
        sent.push(event);
      }
    });
    for (const event of sent) await events.epochCompleted(event);
    const { body: kept } = await call<AggregateDto>('GET', `/api/groups/${group.id}/aggregate`);
    const { body: computed } = await call<AggregateDto>(
      'GET',
      `/api/aggregate?runs=${group.runs.map((r) => r.id).join(',')}`,
    );
    const close = (x: number | null, digits: number) => (x === null ? null : expect.closeTo(x, digits));
    for (const body of [kept, computed])
      for (const flow of body.gradientFlow) {
        for (const layer of flow.layers) {
          const values = sent.filter((e) => e.epoch === flow.epoch).map((e) => e.layers[layer.layerIndex]);
          for (const s of ['meanAbs', 'lastBatchMeanAbs', 'l2', 'maxAbs', 'updateRatio'] as const) {
            const expected = summarizeLog(values.map((v) => v[s] ?? null));
            expect(layer[s]).toEqual({
              geometricMean: close(expected.geometricMean, 12),
              log10Std: close(expected.log10Std, 10),
              min: expected.min,
              max: expected.max,
              n: expected.n,
              zeros: expected.zeros,
            });
          }
          const weight = summarize(values.map((v) => v.weightL2));
          expect(layer.weightL2).toEqual({ ...weight, mean: close(weight.mean, 12), std: close(weight.std, 10) });
          expect(layer.nonFiniteCount.max).toBe(Math.max(...values.map((v) => v.nonFiniteCount)));
        }
      }
    expect(kept.gradientFlow.map((f) => f.layers.length)).toEqual([3, 3]);
    expect(kept.gradientFlow.flatMap((f) => f.layers).some((l) => l.lastBatchMeanAbs.zeros > 0)).toBe(true);
    expect(kept.gradientFlow.flatMap((f) => f.layers).some((l) => l.maxAbs.n < 4)).toBe(true);
  }, 30_000);

  it('names a cell of a grid, and refuses to mix configs that differ beyond the seed', async () => {
    const { body: group } = await call<GroupDto>('POST', '/api/groups', {
      config: smallConfig,
      seeds: [0, 1],
      grid: { lr: [1e-3, 3e-4] },
    });
    const noCell = await call('GET', `/api/groups/${group.id}/aggregate`);
    expect(noCell.status).toBe(400);
    expect(noCell.body.errors?.[0]).toEqual({
      field: 'cell',
      message: 'the group is a grid: name one of its cells; its cells are "lr=0.001", "lr=0.0003"',
    });
    const cell = await call<AggregateDto>(
      'GET',
      `/api/groups/${group.id}/aggregate?cell=${encodeURIComponent('lr=0.0003')}`,
    );
    expect(cell.body.runs).toEqual(group.cells[1].runIds);
    const mixed = await call('GET', `/api/aggregate?runs=${group.runs[0].id},${group.runs[2].id}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors?.[0]).toEqual({
      field: 'runs',
      message: "the runs' configs differ in training.learningRate: aggregate runs of one config over seeds",
    });
  }, 30_000);

  it('submits a group over GraphQL with the same contract, field errors included', async () => {
    const answer = await gql(
      'mutation($input: SubmitGroupInput!) { submitGroup(input: $input) { id seeds runs { id } cells { key } } }',
      {
        input: { config: smallConfig, seeds: [3, 4], grid: { wd: [0, 1e-4] } },
      },
    );
    expect(answer.errors).toBeUndefined();
    const group = answer.data?.submitGroup as { id: string; runs: unknown[]; cells: { key: string }[] };
    expect(group.runs).toHaveLength(4);
    expect(group.cells.map((c) => c.key)).toEqual(['wd=0', 'wd=0.0001']);
    const bad = await gql('mutation { submitGroup(input: { config: {}, grid: { wd: [2] } }) { id } }');
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fieldErrors: [{ field: 'grid.wd[0]', message: '2: Too big: expected number to be <=1' }],
    });
    await gql('mutation($id: ID!) { cancelGroup(id: $id) { id } }', { id: group.id });
  }, 30_000);

  it('serves a run’s diagnosis over REST and GraphQL, and counts it in the staff cohort view', async () => {
    const { body: group } = await call<GroupDto>('POST', '/api/groups', { config: smallConfig, seeds: [7] });
    const run = group.runs[0];
    const events = api.app.get(RunEventsService);
    for (const e of [0, 1, 2])
      await events.epochCompleted({
        ...epochEvent(run.id, e, 4.61, 0.01, 1e-3),
        layers: epochEvent(run.id, e, 0, 0, 1e-3).layers.map((l, i) => ({ ...l, meanAbs: i === 0 ? 1e-12 : 1e-3 })),
      });
    const diagnosis = await call<DiagnosisDto>('GET', `/api/runs/${run.id}/diagnosis`);
    expect(diagnosis.body.findings.map((f) => f.code)).toEqual(['vanishing_gradients', 'stuck_at_chance']);
    expect(diagnosis.body.findings[0]).toMatchObject({
      severity: 'critical',
      evidence: { chart: 'gradient-flow', epochs: [1, 2], layers: ['conv_0'] },
    });
    const graph = await gql(
      'query($id: ID!) { run(id: $id) { diagnosis { epochsSeen findings { code severity evidence { epochs } fixes { reference } } } } }',
      { id: run.id },
    );
    expect((graph.data?.run as { diagnosis: DiagnosisDto }).diagnosis.findings.map((f) => f.code)).toEqual([
      'vanishing_gradients',
      'stuck_at_chance',
    ]);

    // the live diagnosis keeps the codes on the run: the cohort view counts them
    let admin: CohortDto['teams'][number]['members'][number] | undefined;
    const deadline = Date.now() + 10_000;
    do {
      const cohort = await call<CohortDto>('GET', '/api/cohort');
      admin = cohort.body.teams.flatMap((t) => t.members).find((m) => m.email === 'admin@gradlab.test');
    } while (
      !admin?.findings.stuck_at_chance &&
      Date.now() < deadline &&
      (await new Promise((r) => setTimeout(r, 100))) === undefined
    );
    expect(admin?.findings).toMatchObject({ vanishing_gradients: 1, stuck_at_chance: 1 });
    expect(admin?.groups).toBeGreaterThanOrEqual(5);
    expect(admin?.runs.total).toBeGreaterThanOrEqual(13);
    expect((await call('GET', '/api/cohort', undefined, outsider)).status).toBe(403);
  }, 30_000);

  it("counts a member's runs in Postgres exactly: by status, each finding once a run, healthy runs, worker time", async () => {
    const prisma = api.app.get(PrismaService);
    const admin = await prisma.user.findFirstOrThrow({ where: { email: 'admin@gradlab.test' } });
    const member = await prisma.user.create({
      data: { email: 'counted@gradlab.test', role: 'student', teamId: admin.teamId },
    });
    const config = (await call<GroupDto>('POST', '/api/groups', { config: smallConfig, seeds: [99] })).body.config;
    const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 12, minutes));
    const run = (fields: Record<string, unknown>) => ({
      name: 'counted',
      teamId: admin.teamId,
      createdById: member.id,
      config: config as object,
      architecture: 'VGG_08',
      blockType: 'conv_block',
      totalEpochs: 3,
      ...fields,
    });
    await prisma.run.createMany({
      data: [
        run({ status: 'queued', createdAt: at(0) }),
        // 10 minutes of worker time, two findings (one named twice), and healthy
        run({
          status: 'completed',
          startedAt: at(1),
          finishedAt: at(11),
          epochsCompleted: 3,
          createdAt: at(1),
          findings: [
            { code: 'dead_layers', severity: 'warning' },
            { code: 'dead_layers', severity: 'warning' },
            { code: 'stuck_at_chance', severity: 'critical' },
          ],
        }),
        run({
          status: 'completed',
          startedAt: at(20),
          finishedAt: at(25),
          epochsCompleted: 3,
          findings: [],
          createdAt: at(20),
        }),
        // diagnosed before its first epoch: not healthy
        run({
          status: 'failed',
          startedAt: at(30),
          finishedAt: at(31),
          epochsCompleted: 0,
          findings: [],
          createdAt: at(30),
        }),
        // imported: no worker time
        run({ status: 'completed', kind: 'imported', startedAt: at(40), finishedAt: at(50), createdAt: at(59) }),
      ],
    });
    // written past the repository, as a bulk load would be: the member's tally is recounted as after one
    await prisma.$executeRaw`SELECT refresh_member_run_tally(${admin.teamId}::uuid, ${member.id}::uuid)`;
    const cohort = await call<CohortDto>('GET', '/api/cohort');
    const counted = cohort.body.teams.flatMap((t) => t.members).find((m) => m.email === 'counted@gradlab.test');
    expect(counted).toEqual({
      userId: member.id,
      email: 'counted@gradlab.test',
      role: 'student',
      runs: { total: 5, queued: 1, running: 0, completed: 3, failed: 1, cancelled: 0 },
      groups: 0,
      findings: { dead_layers: 1, stuck_at_chance: 1 },
      healthyRuns: 1,
      workerMs: (10 + 5 + 1) * 60_000,
      lastRunAt: at(59).toISOString(),
    });
  });

  it("answers another team's group 404 everywhere, as a group that does not exist", async () => {
    const { body: group } = await call<GroupDto>('POST', '/api/groups', { config: smallConfig, seeds: [0] });
    for (const [method, route] of [
      ['GET', `/api/groups/${group.id}`],
      ['GET', `/api/groups/${group.id}/aggregate`],
      ['GET', `/api/groups/${group.id}/figures/learning-curves.svg`],
      ['POST', `/api/groups/${group.id}/cancel`],
      ['GET', `/api/aggregate?runs=${group.runs[0].id}`],
      ['GET', `/api/runs/${group.runs[0].id}/diagnosis`],
    ]) {
      const answer = await call(method, route, undefined, outsider);
      expect([route, answer.status]).toEqual([route, 404]);
    }
    expect((await call<{ items: unknown[] }>('GET', '/api/groups', undefined, outsider)).body.items).toEqual([]);
    const graph = await gql('query($id: ID!) { group(id: $id) { id } }', { id: group.id }, outsider);
    expect(graph.data?.group).toBeNull();
    const cancel = await gql('mutation($id: ID!) { cancelGroup(id: $id) { id } }', { id: group.id }, outsider);
    expect(cancel.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await call<GroupDto>('GET', `/api/groups/${group.id}`)).body.counts).toMatchObject({ queued: 1 });
  }, 30_000);
});
