import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  cancelKey,
  JOBS,
  QUEUES,
  redisConnectionFromUrl,
  RUN_EVENT_VERSION,
  RunEventSchema,
  runOwnerKey,
  TRAINING_JOB_VERSION,
  workerLiveChannel,
  type RunEvent,
} from '@gradlab/contracts';
import { describeDevice, selectBackend } from '@gradlab/training';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { RunEventsPublisher } from './run-events.publisher';
import { createTrainRunProcessor } from './train-run.processor';

const connection = redisConnectionFromUrl('redis://127.0.0.1:6379');
const prefix = `gradlab-test-${randomUUID().slice(0, 8)}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-worker-'));
const smallConfig = (dataset: 'synthetic' | 'cifar100' = 'synthetic') => ({
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0, blockType: 'conv_block' },
  training: { epochs: 2, batchSize: 50, learningRate: 1e-3, minLearningRate: 2e-5, weightDecay: 0, seed: 0 },
  data: { dataset, augment: true, trainLimit: 200, valLimit: 50, testLimit: 50 },
});

describe('training worker (real Redis, real BullMQ)', () => {
  let training: Queue;
  let worker: Worker;
  let eventsConsumer: Worker;
  let publisher: RunEventsPublisher;
  let redis: IORedis;
  const events: RunEvent[] = [];

  const eventsOf = (runId: string) =>
    events.filter((e) => 'runId' in e && e.runId === runId && e.type !== 'run.progress');
  const waitForEvent = async (runId: string, type: RunEvent['type']) => {
    const deadline = Date.now() + 60_000;
    while (!eventsOf(runId).some((e) => e.type === type)) {
      if (Date.now() > deadline) throw new Error(`no ${type} for ${runId}; got ${eventsOf(runId).map((e) => e.type)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    const backend = await selectBackend('wasm');
    mkdirSync(path.join(dataDir, 'cifar-100-binary'));
    writeFileSync(path.join(dataDir, 'cifar-100-binary', 'train.bin'), Buffer.alloc(12345)); // corrupt
    training = new Queue(QUEUES.training, { connection, prefix });
    redis = new IORedis(connection);
    publisher = new RunEventsPublisher(connection, prefix, redis);
    // stands in for the api: consumes run-events and checks every payload against its contract
    eventsConsumer = new Worker(QUEUES.runEvents, async (job) => void events.push(RunEventSchema.parse(job.data)), {
      connection,
      prefix,
    });
    const processor = createTrainRunProcessor({
      backend,
      device: describeDevice(backend),
      workerId: 'test-worker',
      dataDir,
      queuePrefix: prefix,
      redis,
      checkpoints: { download: async () => null, upload: async () => undefined }, // the api's routes are tested with the api
      publish: (event) => publisher.publish(event),
      setCurrentRun: () => undefined,
      log: () => undefined,
    });
    worker = new Worker(QUEUES.training, processor, { connection, prefix, concurrency: 1 });
  });
  afterAll(async () => {
    await worker.close();
    await eventsConsumer.close();
    await publisher.close();
    await training.obliterate({ force: true });
    const runEvents = new Queue(QUEUES.runEvents, { connection, prefix });
    await runEvents.obliterate({ force: true });
    await runEvents.close();
    await training.close();
    redis.disconnect();
  });

  it('sends progress and heartbeats over pub/sub to every api instance, and what must not be lost through the queue', async () => {
    const runId = randomUUID();
    const live: RunEvent[] = [];
    const subscriber = new IORedis(connection);
    subscriber.on('message', (_channel, message) => live.push(RunEventSchema.parse(JSON.parse(message))));
    await subscriber.subscribe(workerLiveChannel(prefix));
    const at = new Date().toISOString();
    await publisher.publish({
      v: RUN_EVENT_VERSION,
      type: 'run.progress',
      at,
      runId,
      epoch: 0,
      batch: 3,
      batchesPerEpoch: 10,
      epochElapsedMs: 900,
    });
    await publisher.publish({
      v: RUN_EVENT_VERSION,
      type: 'worker.heartbeat',
      at,
      workerId: 'test-worker',
      host: 'here',
      backend: 'wasm',
      runId,
    });
    await publisher.publish({
      v: RUN_EVENT_VERSION,
      type: 'run.failed',
      at,
      runId,
      error: 'stands in for any durable event',
    });
    await waitForEvent(runId, 'run.failed');
    for (let i = 0; i < 50 && live.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    subscriber.disconnect();
    expect(live.map((e) => e.type)).toEqual(['run.progress', 'worker.heartbeat']);
    expect(events.filter((e) => 'runId' in e && e.runId === runId).map((e) => e.type)).toEqual(['run.failed']); // the queue: durable events only
  });

  const submit = (runId: string, data: unknown, name: string = JOBS.trainRun) =>
    training.add(name, data, { jobId: runId, attempts: 3 });

  it('trains a job and reports started, every epoch with its gradient flow, and completed', async () => {
    const runId = randomUUID();
    await submit(runId, { v: TRAINING_JOB_VERSION, runId, config: smallConfig() });
    await waitForEvent(runId, 'run.completed');
    const types = eventsOf(runId).map((e) => e.type);
    expect(types).toEqual(['run.started', 'epoch.completed', 'epoch.completed', 'run.completed']);
    const epochs = eventsOf(runId).filter((e) => e.type === 'epoch.completed');
    expect(epochs.map((e) => (e.type === 'epoch.completed' ? e.layers.length : 0))).toEqual([5, 5]);
    expect(eventsOf(runId)[0]).toMatchObject({
      backend: 'wasm',
      device: expect.stringMatching(/^CPU .* wasm threads?$/),
      workerId: 'test-worker',
    });
    expect(await (await training.getJob(runId))?.getState()).toBe('completed');
  }, 90_000);

  it('fails a job whose payload breaks the contract, with the reason, at once, and keeps serving', async () => {
    const badId = randomUUID();
    await submit(badId, { v: TRAINING_JOB_VERSION, runId: badId, config: { model: { numFilters: -3 } } });
    const goodId = randomUUID();
    await submit(goodId, { v: TRAINING_JOB_VERSION, runId: goodId, config: smallConfig() });
    await waitForEvent(badId, 'run.failed');
    const failed = eventsOf(badId).find((e) => e.type === 'run.failed');
    expect(failed && 'error' in failed ? failed.error : '').toMatch(
      /^invalid training job: config\.model\.numFilters: /,
    );
    const job = await training.getJob(badId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1); // final: not retried
    await waitForEvent(goodId, 'run.completed');
  }, 90_000);

  it('fails a run whose data file is corrupt, naming the file', async () => {
    const runId = randomUUID();
    await submit(runId, { v: TRAINING_JOB_VERSION, runId, config: smallConfig('cifar100') });
    await waitForEvent(runId, 'run.failed');
    const failed = eventsOf(runId).find((e) => e.type === 'run.failed');
    expect(failed && 'error' in failed ? failed.error : '').toContain(
      path.join(dataDir, 'cifar-100-binary', 'train.bin'),
    );
    expect((await training.getJob(runId))?.attemptsMade).toBe(1);
  }, 60_000);

  it('stops a running job when its cancel flag is raised', async () => {
    const runId = randomUUID();
    const config = smallConfig();
    config.training.epochs = 50;
    await submit(runId, { v: TRAINING_JOB_VERSION, runId, config });
    await waitForEvent(runId, 'epoch.completed');
    await redis.set(cancelKey(prefix, runId), '1', 'EX', 60); // as the api raises it, under the queue prefix
    await waitForEvent(runId, 'run.cancelled');
    expect(eventsOf(runId).filter((e) => e.type === 'epoch.completed').length).toBeLessThan(50);
    await redis.del(cancelKey(prefix, runId));
  }, 60_000);

  it('stops quietly once another attempt holds its run (an attempt orphaned by a Redis flush)', async () => {
    const runId = randomUUID();
    const config = smallConfig();
    config.training.epochs = 50;
    await submit(runId, { v: TRAINING_JOB_VERSION, runId, config });
    await waitForEvent(runId, 'epoch.completed');
    expect(await redis.get(runOwnerKey(prefix, runId))).toMatch(/^test-worker:/); // claimed when it started
    await redis.set(runOwnerKey(prefix, runId), 'another-worker:attempt', 'EX', 60); // as the re-queued job does
    const job = await training.getJob(runId);
    for (let i = 0; i < 100 && (await job?.getState()) !== 'completed'; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await job?.getState()).toBe('completed');
    expect((await training.getJob(runId))?.returnvalue).toBe('handed over');
    const types = eventsOf(runId).map((e) => e.type);
    expect(types.filter((t) => t === 'epoch.completed').length).toBeLessThan(50);
    // Before it stops, it reports again every epoch it trained: events a flush took are not lost.
    const epochs = eventsOf(runId).flatMap((e) => (e.type === 'epoch.completed' ? [e.epoch] : []));
    expect(new Set(epochs).size * 2).toBeLessThanOrEqual(epochs.length + 1);
    expect(types).not.toContain('run.completed'); // the other attempt reports the run, not this one
    expect(types).not.toContain('run.failed');
  }, 60_000);

  it('reports its epochs again when Redis lost its data (its owner key vanished), and goes on', async () => {
    const runId = randomUUID();
    const config = smallConfig();
    config.training.epochs = 4;
    await submit(runId, { v: TRAINING_JOB_VERSION, runId, config });
    await waitForEvent(runId, 'epoch.completed');
    await redis.del(runOwnerKey(prefix, runId)); // as FLUSHALL does
    await waitForEvent(runId, 'run.completed');
    const epochs = eventsOf(runId).flatMap((e) => (e.type === 'epoch.completed' ? [e.epoch] : []));
    expect(new Set(epochs)).toEqual(new Set([0, 1, 2, 3]));
    expect(epochs.length).toBeGreaterThan(4); // the first epoch(s) went twice
  }, 60_000);
});
