import { cancelKey, QUEUES, redisConnectionFromUrl, TrainingJobSchema } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { migrateDatabase } from '../database/migrator';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { holdingWorker } from '../test-support/holding-worker';
import { startTestApi, type TestApi } from '../test-support/test-api';

const REDIS_URL = 'redis://127.0.0.1:6379';
const smallConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 2 },
  data: { dataset: 'synthetic' },
};

describe('runs api (real Postgres and Redis, no worker)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let queue: Queue;
  let redis: IORedis;
  const prefix = testQueuePrefix();

  const post = (path: string, body?: unknown) =>
    fetch(`${api.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const get = (path: string) =>
    fetch(`${api.url}/api${path}`, { headers: { authorization: `Bearer ${api.adminToken}` } });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    queue = new Queue(QUEUES.training, { connection: redisConnectionFromUrl(REDIS_URL), prefix });
    redis = new IORedis(REDIS_URL);
  });
  afterAll(async () => {
    await api.app.close();
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await db.drop();
  });

  it('answers 201 with the queued run; once a worker is free, gives it a valid training job with jobId = run id', async () => {
    const response = await post('/runs', { name: 'first', config: smallConfig });
    expect(response.status).toBe(201);
    const run = await response.json();
    expect(run).toMatchObject({ name: 'first', status: 'queued', epochsCompleted: 0, resources: {}, pool: null });
    expect(run.config.model).toEqual({ numFilters: 8, numStages: 1, numBlocksPerStage: 0, blockType: 'conv_block' });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // two dispatcher ticks with no worker
    expect(await queue.getJob(run.id)).toBeUndefined(); // it waits in Postgres, for fair share to order it
    const worker = await holdingWorker(prefix);
    try {
      const deadline = Date.now() + 10_000;
      while (worker.taken.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const job = await queue.getJob(run.id);
      expect(job?.name).toBe('train-run');
      expect(TrainingJobSchema.parse(job?.data)).toMatchObject({ runId: run.id, config: run.config });
      expect(job?.opts.attempts).toBe(3);
      expect(worker.taken.map((j) => j.id)).toEqual([run.id]);
      expect((await (await get(`/runs/${run.id}`)).json()).pool).toBe('cpu');
    } finally {
      await worker.close();
      await redis.set(cancelKey(prefix, run.id), '1'); // nothing more to do with it
      await post(`/runs/${run.id}/cancel`);
    }
  });

  it('answers 400 naming each bad field, and stores nothing', async () => {
    const before = (await (await get('/runs')).json()).total;
    const response = await post('/runs', { config: { model: { numStages: 9 }, training: { batchSize: 'big' } } });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'config.model.numStages',
      'config.training.batchSize',
    ]);
    expect((await (await get('/runs')).json()).total).toBe(before);
    expect((await post('/runs', 'not json at all')).status).toBe(400);
  });

  it('answers 404 for an unknown run on every route', async () => {
    for (const path of [
      '/runs/00000000-0000-4000-8000-000000000000',
      '/runs/nope/epochs',
      '/runs/nope/gradient-flow',
    ]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect((await response.json()).code).toBe('NOT_FOUND');
    }
    expect((await post('/runs/nope/cancel')).status).toBe(404);
  });

  it('lists runs newest first, paginated', async () => {
    for (const name of ['a', 'b', 'c']) await post('/runs', { name, config: smallConfig });
    const page1 = await (await get('/runs?pageSize=2&page=1')).json();
    const page2 = await (await get('/runs?pageSize=2&page=2')).json();
    expect(page1.items.map((r: { name: string }) => r.name)).toEqual(['c', 'b']);
    expect(page2.items[0].name).toBe('a');
    expect(page1.total).toBe(page2.total);
    expect((await get('/runs?pageSize=1000')).status).toBe(400);
  });

  it('pages by cursor as by page number, and a run submitted meanwhile does not shift the next page', async () => {
    for (const name of ['k1', 'k2', 'k3', 'k4', 'k5']) await post('/runs', { name, config: smallConfig });
    type Page = {
      items: { id: string; name: string }[];
      page: number | null;
      total: number;
      nextCursor: string | null;
    };
    const byOffset: string[] = [];
    for (let page = 1; ; page++) {
      const answer: Page = await (await get(`/runs?pageSize=2&page=${page}`)).json();
      byOffset.push(...answer.items.map((r) => r.id));
      if (answer.items.length < 2) break;
    }
    const first: Page = await (await get('/runs?pageSize=2')).json();
    await post('/runs', { name: 'newer', config: smallConfig }); // lands before the first page: no shift
    const byCursor = first.items.map((r) => r.id);
    for (let cursor = first.nextCursor, pages = 0; cursor !== null; pages++) {
      const answer: Page = await (await get(`/runs?pageSize=2&after=${cursor}`)).json();
      expect(answer.page).toBeNull();
      byCursor.push(...answer.items.map((r) => r.id));
      cursor = answer.nextCursor;
      expect(pages).toBeLessThan(100);
    }
    expect(byCursor).toEqual(byOffset);
    const refused = await get('/runs?after=not-a-cursor');
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual([{ field: 'after', message: 'not a cursor this api gave out' }]);
  });

  it('filters the list by status, block type, depth and name, counting only the matches', async () => {
    const bn = { ...smallConfig, model: { ...smallConfig.model, numBlocksPerStage: 2, blockType: 'conv_block_bn' } };
    const target = await (await post('/runs', { name: 'Needle BN run', config: bn })).json();
    expect(target.architecture).toBe('VGG_08');
    await post('/runs', { name: 'other', config: smallConfig });
    const names = async (query: string) => {
      const page = await (await get(`/runs?${query}`)).json();
      expect(page.total).toBe(page.items.length);
      return page.items.map((r: { name: string }) => r.name);
    };
    expect(await names('blockType=conv_block_bn')).toEqual(['Needle BN run']);
    expect(await names('q=needle')).toEqual(['Needle BN run']);
    expect(await names(`architecture=${target.architecture}&q=NEEDLE&status=queued`)).toEqual(['Needle BN run']);
    expect(await names('architecture=VGG_99')).toEqual([]);
    const bad = await (await get('/runs?status=sleeping&blockType=x')).json();
    expect(bad.errors.map((e: { field: string }) => e.field).sort()).toEqual(['blockType', 'status']);
  });

  it('cancels a queued run: removes its job, raises the flag, and refuses a second cancel', async () => {
    const run = await (await post('/runs', { config: smallConfig })).json();
    const response = await post(`/runs/${run.id}/cancel`);
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe('cancelled');
    expect(await queue.getJob(run.id)).toBeUndefined();
    expect(await redis.exists(cancelKey(prefix, run.id))).toBe(1); // under this api's QUEUE_PREFIX
    expect(await redis.exists(`gradlab:cancel:${run.id}`)).toBe(0);
    expect((await post(`/runs/${run.id}/cancel`)).status).toBe(409);
  });

  it('serves an OpenAPI document built from the contracts, whose every path is a real route', async () => {
    const response = await get('/docs-json');
    expect(response.status).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toBe('3.1.0');
    const model = doc.components.schemas.CreateRunRequest.properties.config.properties.model.properties;
    expect(model.numFilters).toMatchObject({ type: 'integer', default: 32, minimum: 1, maximum: 512 });
    expect(model.blockType.enum).toContain('conv_block_bn_rc');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
      const url = `${api.url}${path.replace('{id}', id).replace('{kind}', 'latest')}`;
      for (const method of Object.keys(operations)) {
        const answer = await fetch(url, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
          body: method === 'get' ? undefined : '{}',
        });
        // a documented route answers from the api itself: never Nest's "Cannot GET" for an unknown route
        expect([method, path, (await answer.text()).includes('Cannot ')]).toEqual([method, path, false]);
      }
    }
    expect((await fetch(`${api.url}/api/docs`)).status).toBe(200);
  });

  it('reports Postgres and Redis in health', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
  });

  /** As the dispatcher does when it gives a run to a free worker of the cpu pool. */
  const given = async (id: string) => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`UPDATE "Run" SET "dispatchedAt" = now(), pool = 'cpu' WHERE id = $1`, [id]);
    await client.end();
  };

  it('re-queues, at start-up, an unfinished run given to a pool whose job Redis lost', async () => {
    const run = await (await post('/runs', { config: smallConfig })).json();
    await given(run.id);
    expect(await queue.getJob(run.id)).toBeUndefined();
    await api.app.close();
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    expect((await queue.getJob(run.id))?.data.runId).toBe(run.id);
  });

  it('re-queues, without a restart, the runs a Redis flush took the jobs of', async () => {
    await api.app.close();
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RECONCILE_INTERVAL_S: '1' });
    const run = await (await post('/runs', { config: smallConfig })).json();
    await given(run.id);
    await queue.add('train-run', { v: 1, runId: run.id, config: run.config }, { jobId: run.id });
    await queue.obliterate({ force: true }); // every key of this stack's queue, as FLUSHALL would
    expect(await queue.getJob(run.id)).toBeUndefined();
    const deadline = Date.now() + 10_000;
    while (!(await queue.getJob(run.id)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await queue.getJob(run.id))?.data.runId).toBe(run.id);
    expect((await (await get(`/runs/${run.id}`)).json()).status).toBe('queued');
  });

  it('says where a queued run stands, and estimates durations from the epochs stored', async () => {
    const first = await (await post('/runs', { name: 'queue a', config: smallConfig })).json();
    const second = await (await post('/runs', { name: 'queue b', config: smallConfig })).json();
    const place = async (id: string) => (await get(`/runs/${id}/queue`)).json();
    const [a, b] = [await place(first.id), await place(second.id)];
    expect(b.position - a.position).toBe(1);
    expect(b).toMatchObject({ status: 'queued', ahead: b.position - 1, workers: 0, estimatedWaitMs: null }); // nothing measured yet
    expect((await post('/runs/estimate', { config: smallConfig })).status).toBe(200);
    expect(await (await post('/runs/estimate', { config: smallConfig })).json()).toEqual({
      epochMs: null,
      totalMs: null,
      basis: 'none',
      epochsMeasured: 0,
      backend: null,
      pool: null,
      waitsForGpu: false,
    });
    const bad = await post('/runs/estimate', { config: { training: { epochs: 0 } } });
    expect([bad.status, (await bad.json()).errors[0].field]).toEqual([400, 'config.training.epochs']);

    // One epoch of this network took 2 s: every run of it is estimated from that.
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `INSERT INTO "Epoch" ("runId", index, "trainAccuracy", "valAccuracy", "learningRate", "durationMs") VALUES ($1, 0, 0, 0, 0.001, 2000)`,
      [first.id],
    );
    await client.end();
    const estimate = await (await post('/runs/estimate', { config: smallConfig })).json();
    expect(estimate).toMatchObject({ basis: 'same-network', epochsMeasured: 1, pool: 'cpu' });
    expect(estimate.epochMs).toBeCloseTo(2000, 6);
    expect(estimate.totalMs).toBeGreaterThan(4000); // two epochs and the test
    const later = await place(second.id);
    expect(later.estimatedWaitMs).toBeGreaterThanOrEqual(estimate.totalMs * later.ahead); // the runs ahead, over at least one worker
    expect((await place(first.id)).position).toBe(a.position);
  });
});
