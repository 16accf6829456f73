import { QUEUES, redisConnectionFromUrl, type ErrorDto } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { migrateDatabase } from '../database/migrator';
import { RunEventsProcessor } from '../run-events/run-events.processor';
import { epochCompletedEvent } from '../test-support/run-event-builders';
import { startTestApi, type TestApi } from '../test-support/test-api';
import { createTestDatabase, obliterateQueues, testQueuePrefix } from '../test-support/test-database';
import { LoadShedder } from './load-shedder';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Overload on the real api, Postgres and Redis: refused at once with 503 and retry-after, never left waiting. */
describe('an overloaded api sheds readers, never workers (real api, Redis and Postgres)', () => {
  const prefix = testQueuePrefix();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let runEvents: Queue;
  const get = (path: string) => fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.adminToken}` } });
  const submit = () =>
    fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({ config: { training: { epochs: 20 }, data: { dataset: 'synthetic' } } }),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      MAX_IN_FLIGHT: '4',
      SHED_EVENT_BACKLOG: '5',
    });
    runEvents = new Queue(QUEUES.runEvents, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
  });
  afterAll(async () => {
    await api.app.close();
    await runEvents.close();
    await obliterateQueues(prefix, [QUEUES.runEvents, QUEUES.training]);
    await db.drop();
  });

  it('answers past MAX_IN_FLIGHT requests 503 OVERLOADED with retry-after at once, and health still 200', async () => {
    const started = Date.now();
    const answers = await Promise.all([...Array.from({ length: 40 }, () => get('/api/runs')), get('/api/health')]);
    const health = answers.pop() as Response;
    expect(health.status).toBe(200);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused.headers.get('retry-after')).toBe('1');
      expect((await refused.json()) as ErrorDto).toMatchObject({ code: 'OVERLOADED', statusCode: 503 });
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(api.app.get(LoadShedder).requestsInFlight).toBe(0);
    // once the crowd is gone, the next reader is answered
    expect((await get('/api/runs')).status).toBe(200);
  });

  it("refuses readers while the workers' epochs wait in the queue, takes submissions, and stores every epoch", async () => {
    const run = (await (await submit()).json()) as { id: string };
    const processor = api.app.get(RunEventsProcessor);
    await processor.worker.pause();
    try {
      for (let epoch = 0; epoch < 12; epoch++)
        await runEvents.add('epoch.completed', epochCompletedEvent(run.id, epoch, { totalEpochs: 20 }));
      await sleep(1100); // the shedder asks the queue at most once a second
      await get('/api/runs'); // ... in the background of a request
      await sleep(200);
      const refused = await get(`/api/runs/${run.id}/epochs`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as ErrorDto).message).toContain("storing the workers' epochs first");
      expect((await submit()).status).toBe(201);
      // a worker's own route is never refused: it is answered (here: no such checkpoint), not shed
      expect((await get(`/api/runs/${run.id}/checkpoints/latest`)).status).not.toBe(503);
    } finally {
      processor.worker.resume();
    }
    for (let i = 0; i < 100 && (await runEvents.getWaitingCount()) > 0; i++) await sleep(50);
    await sleep(1100);
    await get('/api/runs');
    await sleep(200);
    const epochs = await get(`/api/runs/${run.id}/epochs`);
    expect(epochs.status).toBe(200);
    expect(((await epochs.json()) as unknown[]).length).toBe(12);
  });
});
