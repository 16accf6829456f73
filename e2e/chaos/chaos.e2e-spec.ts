import { mkdirSync, writeFileSync } from 'node:fs';
import { QUEUES, redisConnectionFromUrl, type RunDto, type WorkerDto } from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { freePort, sleep, waitUntil } from '../support/stack';
import { ChaosStack } from './chaos-stack';

/** Tiny runs of 8 epochs (a second or so each), so that every fault strikes while they train. */
const TINY_EPOCHS = 8;
const tinyRun = (name: string, epochs = TINY_EPOCHS) => ({
  name,
  config: {
    model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
    training: { epochs, batchSize: 50 },
    data: { dataset: 'synthetic', trainLimit: 1000, valLimit: 100, testLimit: 100 },
  },
});
/** A run's config as a GraphQL literal (its input is a JSON scalar): keys unquoted. */
const graphqlConfig = (name: string) => JSON.stringify(tinyRun(name).config).replace(/"(\w+)":/g, '$1:');
const OUTAGE_MS = 30_000;
/** Longer than every retry window there was: a worker used to give up on its checkpoint after 60 s. */
const LONG_OUTAGE_MS = 75_000;

/**
 * Faults during real runs: Postgres stopped for 75 s with runs waiting to start, the api killed for 30 s,
 * Redis stopped and flushed, workers killed, one run's worker 4 times. Every run must end `completed` with
 * every epoch stored exactly once.
 */
describe('chaos: Postgres, the api, Redis and workers go away during real runs; nothing is lost', () => {
  const stack = new ChaosStack();
  const runIds: string[] = [];
  const epochsOf = new Map<string, number>();

  beforeAll(async () => {
    await stack.start(await freePort());
    stack.startWorker();
    stack.startWorker();
  }, 120_000);
  afterAll(async () => {
    // every process's output, for a failure to be read after the run (CI keeps test-artifacts/)
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/chaos-processes.log', stack.logs.join(''));
    await stack.stop();
  }, 30_000);

  const submit = async (name: string, epochs = TINY_EPOCHS) => {
    const response = await stack.call('POST', '/runs', tinyRun(name, epochs));
    expect(response.status).toBe(201);
    const run = (await response.json()) as RunDto;
    runIds.push(run.id);
    epochsOf.set(run.id, epochs);
    return run.id;
  };
  const run = async (id: string) => (await (await stack.call('GET', `/runs/${id}`)).json()) as RunDto;
  const trainingStarted = (ids: string[]) =>
    waitUntil(
      'the runs to store an epoch',
      async () => (await Promise.all(ids.map(run))).every((r) => r.epochsCompleted >= 1),
      60_000,
    );
  const allCompleted = (ids: string[], timeoutMs = 180_000) =>
    waitUntil(
      `runs ${ids.join(', ')} to complete`,
      async () => (await Promise.all(ids.map(run))).every((r) => r.status === 'completed'),
      timeoutMs,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${stack.logs.join('').slice(-8000)}`);
    });

  it('Postgres stopped for 75 s while runs train and others wait to start: 503s (REST and GraphQL), workers wait, every run completes', async () => {
    // Two train, two wait for a worker: those start during the outage and wait for their checkpoint.
    const ids = [await submit('pg-a'), await submit('pg-b'), await submit('pg-c'), await submit('pg-d')];
    await trainingStarted(ids.slice(0, 2));
    stack.stopPostgres();
    const during = await stack.call('GET', '/runs');
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    const graphql = await stack.graphql('{ runs { items { id } } }');
    expect([graphql.status, graphql.headers.get('retry-after')]).toEqual([503, '5']);
    expect((await graphql.json()).errors[0].extensions.code).toBe('UNAVAILABLE');
    await sleep(LONG_OUTAGE_MS);
    expect(stack.logs.join('')).toMatch(/waiting for the api at .* the run keeps its attempts/);
    stack.startPostgres();
    await allCompleted(ids);
  }, 300_000);

  it('Redis stopped for 15 s: reads answer, submissions are stored and wait (REST and GraphQL), what needs Redis answers 503 on both, sign-in works; each process says once that Redis went and once that it came back; then every run completes', async () => {
    const ids = [await submit('redis-stop-a'), await submit('redis-stop-b')];
    await trainingStarted(ids);
    const logsBefore = stack.logs.length;
    await stack.stopRedis();
    const listed = await stack.call('GET', '/runs?pageSize=200');
    expect(listed.status).toBe(200);
    expect((await stack.call('GET', `/runs/${ids[0]}/epochs`)).status).toBe(200);
    const graphql = await stack.graphql('{ runs { items { id status } } }');
    expect(graphql.status).toBe(200);
    expect((await graphql.json()).errors).toBeUndefined();

    // a submission waits in Postgres, as every run does, until the dispatcher reaches Redis again
    const stored = await submit('stored-while-redis-is-down');
    expect((await run(stored)).status).toBe('queued');
    const viaGraphql = await stack.graphql(
      `mutation { submitRun(input: { name: "graphql-while-redis-is-down", config: ${graphqlConfig('graphql-while-redis-is-down')} }) { id status } }`,
    );
    expect(viaGraphql.status).toBe(200);
    const submitted = (await viaGraphql.json()).data.submitRun as { id: string; status: string };
    expect(submitted.status).toBe('queued');
    runIds.push(submitted.id);
    epochsOf.set(submitted.id, TINY_EPOCHS);

    // a cancel needs Redis (the flag its worker polls): REST and GraphQL answer alike, 503 with Retry-After
    const refused = await stack.call('POST', `/runs/${stored}/cancel`);
    expect([
      refused.status,
      refused.headers.get('retry-after'),
      ((await refused.json()) as { code: string }).code,
    ]).toEqual([503, '5', 'UNAVAILABLE']);
    const refusedGraphql = await stack.graphql(`mutation { cancelRun(id: "${stored}") { id } }`);
    expect([refusedGraphql.status, refusedGraphql.headers.get('retry-after')]).toEqual([503, '5']);
    expect((await refusedGraphql.json()).errors[0].extensions.code).toBe('UNAVAILABLE');

    const signIn = await fetch(`${stack.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: stack.admin.email, password: stack.admin.password }),
    });
    expect(signIn.status).toBe(200); // its limits count in memory meanwhile
    await sleep(15_000);
    stack.startRedis(); // empty: the reconciler queues the runs again
    await allCompleted([...ids, stored, submitted.id]);

    // one line when Redis went and one when it came back, from the api and from each worker; no retry noise
    const outage = stack.logs.slice(logsBefore);
    const lines = (process: string, text: string) =>
      outage
        .filter((chunk) => chunk.startsWith(`[${process}] `))
        .reduce((n, chunk) => n + chunk.split(text).length - 1, 0);
    for (const process of ['api', 'worker-0', 'worker-1']) {
      expect([process, lines(process, 'Redis connection lost'), lines(process, 'Redis connection back')]).toEqual([
        process,
        1,
        1,
      ]);
    }
    expect(outage.join('')).not.toContain("missing 'error' handler");
    expect(outage.join('')).not.toContain('Unhandled error event');
    expect(outage.filter((chunk) => chunk.startsWith('[api] Error: connect ECONNREFUSED'))).toEqual([]); // BullMQ's unheard errors
  }, 300_000);

  it('the api killed for 30 s, while a worker picks up a run: the run waits for its checkpoint, and completes', async () => {
    const ids = [await submit('api-a'), await submit('api-b'), await submit('api-c')];
    await trainingStarted(ids.slice(0, 2));
    stack.killApi();
    await sleep(OUTAGE_MS);
    await stack.startApi();
    await allCompleted(ids);
  }, 300_000);

  it('Redis flushed mid-run: the runs are re-queued without an api restart, and no epoch is lost', async () => {
    const ids = [await submit('redis-a'), await submit('redis-b'), await submit('redis-c')];
    await trainingStarted(ids.slice(0, 2));
    stack.flushRedis();
    await allCompleted(ids);
  }, 300_000);

  it('a worker killed mid-run: its run goes to another worker and resumes', async () => {
    const ids = [await submit('worker-a'), await submit('worker-b')];
    await trainingStarted(ids);
    stack.killWorker(0);
    stack.startWorker();
    await allCompleted(ids);
  }, 300_000);

  it("one run's worker killed 4 times: no stall limit fails it, it never shows failed, and it completes", async () => {
    const id = await submit('stalled-4-times', 30);
    const statuses = new Set<string>();
    let reached = 0;
    let killed: string | null = null;
    for (let kill = 1; kill <= 4; kill++) {
      // Killed only once it trains again on a worker started after the last kill: each kill strikes a worker
      // that holds the run (an epoch the killed worker posted just before it died, stored after, is not that).
      await waitUntil(
        `run to train past epoch ${reached} on a new worker (kill ${kill})`,
        async () => {
          const r = await run(id);
          statuses.add(r.status);
          return r.epochsCompleted > reached && r.workerId !== null && r.workerId !== killed;
        },
        120_000,
        300,
      );
      const holding = await run(id);
      reached = holding.epochsCompleted;
      killed = holding.workerId;
      stack.killAllWorkers();
      stack.startWorker();
      stack.startWorker();
    }
    await waitUntil(
      'the run to complete',
      async () => {
        const r = await run(id);
        statuses.add(r.status);
        return r.status === 'completed';
      },
      240_000,
      300,
    );
    expect(statuses.has('failed')).toBe(false);
    // Its one job lived through the 4 stalls (BullMQ's stall limit would have failed it, and another job
    // would have had to be queued for the run).
    const queue = new Queue(QUEUES.training, { connection: redisConnectionFromUrl(stack.redisUrl), prefix: 'chaos' });
    const job = await queue.getJob(id);
    await queue.close();
    expect([job?.finishedOn !== undefined, job?.failedReason || null]).toEqual([true, null]);
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(4);
  }, 420_000);

  it('a worker that cannot reach the api keeps its run and shows "waiting for the api" on the Workers list', async () => {
    stack.killAllWorkers();
    stack.startWorker({ API_URL: 'http://127.0.0.1:1' }); // nothing listens there
    const id = await submit('waits-for-the-api');
    const waiting = await waitUntil(
      'a worker waiting for the api',
      async () => {
        const { workers } = (await (await stack.call('GET', '/workers')).json()) as { workers: WorkerDto[] };
        return workers.find((w) => w.currentRunId === id && w.waitingForApiSince !== null);
      },
      60_000,
      500,
    );
    expect(Date.parse(waiting.waitingForApiSince as string)).toBeLessThanOrEqual(Date.now());
    expect((await run(id)).status).not.toBe('failed');
    stack.killAllWorkers();
    stack.startWorker();
    stack.startWorker();
    await allCompleted([id]);
  }, 300_000);

  it('every run ended completed, with every epoch and its gradient rows stored exactly once', async () => {
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{
      id: string;
      status: string;
      epochs: number;
      distinct_epochs: number;
      max_epoch: number;
      layer_rows: number;
      epochs_completed: number;
      test_accuracy: number | null;
    }>(
      `SELECT r.id, r.status, r."epochsCompleted" AS epochs_completed, r."testAccuracy" AS test_accuracy,
              (SELECT count(*)::int FROM "Epoch" e WHERE e."runId" = r.id) AS epochs,
              (SELECT count(DISTINCT index)::int FROM "Epoch" e WHERE e."runId" = r.id) AS distinct_epochs,
              (SELECT max(index) FROM "Epoch" e WHERE e."runId" = r.id) AS max_epoch,
              (SELECT count(*)::int FROM "LayerGradient" l WHERE l."runId" = r.id) AS layer_rows
         FROM "Run" r WHERE r.id = ANY($1::uuid[])`,
      [runIds],
    );
    await db.end();
    expect(rows).toHaveLength(runIds.length);
    for (const row of rows) {
      // Each epoch (8 for most runs, numbered 0..7) once; 5 weight layers of gradient statistics per epoch.
      const epochs = epochsOf.get(row.id) as number;
      expect({
        id: row.id,
        status: row.status,
        epochs: row.epochs,
        distinct: row.distinct_epochs,
        last: row.max_epoch,
        completed: row.epochs_completed,
        layers: row.layer_rows,
      }).toEqual({
        id: row.id,
        status: 'completed',
        epochs,
        distinct: epochs,
        last: epochs - 1,
        completed: epochs,
        layers: epochs * 5,
      });
      expect(row.test_accuracy).not.toBeNull();
    }
  });
});
