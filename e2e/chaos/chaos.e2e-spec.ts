import type { RunDto } from '@gradlab/contracts';
import { Client } from 'pg';
import { freePort, sleep, waitUntil } from '../support/stack';
import { ChaosStack } from './chaos-stack';

/** Tiny runs of 8 epochs (a second or so each), so that every fault strikes while they train. */
const tinyRun = (name: string) => ({
  name,
  config: {
    model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
    training: { epochs: 8, batchSize: 50 },
    data: { dataset: 'synthetic', trainLimit: 1000, valLimit: 100, testLimit: 100 },
  },
});
const OUTAGE_MS = 30_000;

/**
 * Faults during real runs: Postgres stopped for 30 s, the api killed for 30 s, Redis flushed, a worker
 * killed. Every run must end `completed` with every epoch stored exactly once.
 */
describe('chaos: Postgres, the api, Redis and workers go away during real runs; nothing is lost', () => {
  const stack = new ChaosStack();
  const runIds: string[] = [];

  beforeAll(async () => {
    await stack.start(await freePort());
    stack.startWorker();
    stack.startWorker();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  }, 30_000);

  const submit = async (name: string) => {
    const response = await stack.call('POST', '/runs', tinyRun(name));
    expect(response.status).toBe(201);
    const run = (await response.json()) as RunDto;
    runIds.push(run.id);
    return run.id;
  };
  const run = async (id: string) => (await (await stack.call('GET', `/runs/${id}`)).json()) as RunDto;
  const trainingStarted = (ids: string[]) =>
    waitUntil('the runs to store an epoch', async () => (await Promise.all(ids.map(run))).every((r) => r.epochsCompleted >= 1), 60_000);
  const allCompleted = (ids: string[], timeoutMs = 180_000) =>
    waitUntil(`runs ${ids.join(', ')} to complete`, async () => (await Promise.all(ids.map(run))).every((r) => r.status === 'completed'), timeoutMs, 500).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${stack.logs.join('').slice(-8000)}`);
      },
    );

  it('Postgres stopped for 30 s mid-run: REST answers 503 with Retry-After, and every epoch is stored', async () => {
    const ids = [await submit('pg-a'), await submit('pg-b')];
    await trainingStarted(ids);
    stack.stopPostgres();
    const during = await stack.call('GET', '/runs');
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    await sleep(OUTAGE_MS);
    stack.startPostgres();
    await allCompleted(ids);
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
      // 8 epochs, numbered 0..7, each once; 5 weight layers of gradient statistics per epoch.
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
        epochs: 8,
        distinct: 8,
        last: 7,
        completed: 8,
        layers: 8 * 5,
      });
      expect(row.test_accuracy).not.toBeNull();
    }
  });
});
