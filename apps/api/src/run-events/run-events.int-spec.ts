import {
  ExperimentConfigSchema,
  QUEUES,
  redisConnectionFromUrl,
  RUN_EVENT_VERSION,
  type EpochCompletedEvent,
  type WorkersDto,
} from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { migrateDatabase } from '../database/migrator';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';
import { epochCompletedEvent, workerHeartbeat } from '../test-support/run-event-builders';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { WorkersService, type WorkersSnapshot } from '../workers/workers.service';
import { DispatcherService } from '../scheduling/dispatcher.service';
import { TrainingQueues } from '../scheduling/training-queues';
import { DiagnosisService } from '../runs/diagnosis.service';
import { RunRepository } from '../runs/run.repository';
import type { RunEventsGateway } from '../live-events/run-events.gateway';
import { EpochsPendingError, RunEventsService } from './run-events.service';

/** The team the migration creates. */
const DEFAULT_TEAM_ID = '00000000-0000-4000-8000-000000000001';

/** Records what would be broadcast; the database under test is real. */
class RecordingGateway {
  readonly emitted: { runId: string; event: string; payload: unknown }[] = [];
  readonly workerSnapshots: WorkersDto[] = [];
  emit(runId: string, event: string, payload: unknown) {
    this.emitted.push({ runId, event, payload });
  }
  emitHere(runId: string, event: string, payload: unknown) {
    this.emitted.push({ runId, event, payload });
  }
  emitWorkersHere(snapshot: WorkersSnapshot) {
    this.workerSnapshots.push(snapshot.workers);
  }
}

const layer = (i: number, meanAbs: number | null = 0.01) => ({
  layerIndex: i,
  name: `layer_dict.block_0_${i}.layer_dict.conv_0.weight`,
  shortName: `block_0_${i}.conv_0`,
  kind: 'conv' as const,
  meanAbs,
  lastBatchMeanAbs: 0.02,
  l2: 1.5,
  maxAbs: 0.3,
  nonFiniteCount: 0,
  weightL2: 4,
  // Layer 2 comes as from a worker older than the update-to-weight ratio.
  ...(i === 2 ? {} : { updateRatio: 1e-3 }),
});

const epochEvent = (runId: string, epoch: number, valAccuracy: number): EpochCompletedEvent =>
  epochCompletedEvent(runId, epoch, {
    trainLoss: 4.5,
    trainAccuracy: 0.02,
    valLoss: 4.4,
    valAccuracy,
    durationMs: 1234.4,
    layers: [layer(0), layer(1, null), layer(2)],
  });

describe('RunEventsService (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaService;
  let service: RunEventsService;
  let gateway: RecordingGateway;
  let trainingQueue: Queue;
  let queues: TrainingQueues;
  let redis: RedisService;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    prisma = new PrismaService(new AppConfig({ DATABASE_URL: db.url }));
    gateway = new RecordingGateway();
    const config = new AppConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix() });
    trainingQueue = new Queue(QUEUES.training, {
      connection: redisConnectionFromUrl('redis://127.0.0.1:6379'),
      prefix: config.queuePrefix,
    });
    queues = new TrainingQueues(config);
    redis = new RedisService(config);
    await redis.client.ping();
    const runs = new RunRepository(prisma);
    service = new RunEventsService(
      prisma,
      runs,
      gateway as unknown as RunEventsGateway,
      new WorkersService(prisma, config, redis, queues),
      new DiagnosisService(prisma, runs, gateway as unknown as RunEventsGateway),
      new DispatcherService(prisma, queues, redis, config),
    );
  });
  afterAll(async () => {
    await trainingQueue.obliterate({ force: true });
    await trainingQueue.close();
    await queues.onApplicationShutdown();
    await redis.onModuleDestroy();
    await prisma.$disconnect();
    await db.drop();
  });

  const newRun = () =>
    prisma.run.create({
      data: {
        name: 'r',
        config: ExperimentConfigSchema.parse({}) as object,
        architecture: 'VGG_08',
        blockType: 'conv_block',
        totalEpochs: 3,
        status: 'running',
        teamId: DEFAULT_TEAM_ID,
      },
    });

  it('stores an epoch and its layer rows once, however often it is delivered', async () => {
    const run = await newRun();
    expect(await service.epochCompleted(epochEvent(run.id, 0, 0.1))).toBe(true);
    expect(await service.epochCompleted(epochEvent(run.id, 0, 0.1))).toBe(false);
    const results = await Promise.all([1, 1, 1, 1].map(() => service.epochCompleted(epochEvent(run.id, 1, 0.3))));
    expect(results.filter(Boolean)).toHaveLength(1);

    expect(await prisma.epoch.count({ where: { runId: run.id } })).toBe(2);
    expect(await prisma.layerGradient.count({ where: { runId: run.id } })).toBe(6);
    const stored = await prisma.layerGradient.findFirst({ where: { runId: run.id, epoch: 1, layerIndex: 1 } });
    expect(stored?.meanAbs).toBeNull();
    expect(stored?.updateRatio).toBe(1e-3);
    expect(
      (await prisma.layerGradient.findFirst({ where: { runId: run.id, epoch: 1, layerIndex: 2 } }))?.updateRatio,
    ).toBeNull();
    const updated = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(updated).toMatchObject({ epochsCompleted: 2, bestValAccuracy: 0.3, bestEpoch: 1 });
    expect(gateway.emitted.filter((e) => e.runId === run.id && e.event === 'epoch.completed')).toHaveLength(2);
  });

  it('diagnoses the run after each stored epoch, keeps the findings on it and sends them to its room', async () => {
    const run = await newRun();
    // Plain deep net at chance: first layers' gradients 1e-12 against 1e-3 at the end, loss ln 100.
    const stuck = (epoch: number): EpochCompletedEvent => ({
      ...epochEvent(run.id, epoch, 0.01),
      trainLoss: 4.61,
      layers: [0, 1, 2, 3].map((i) => ({
        ...layer(i, i < 2 ? 1e-12 : 1e-3),
        shortName: `conv_${i}`,
        updateRatio: i < 2 ? 0 : 1e-3,
      })),
    });
    for (const epoch of [0, 1, 2]) await service.epochCompleted(stuck(epoch));
    const sent = () =>
      gateway.emitted
        .filter((e) => e.runId === run.id && e.event === 'run.diagnosis')
        .map((e) => e.payload as { epochsSeen: number; findings: { code: string }[] });
    const deadline = Date.now() + 10_000;
    while (sent().at(-1)?.epochsSeen !== 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(
      sent()
        .at(-1)
        ?.findings.map((f) => f.code),
    ).toEqual(['vanishing_gradients', 'stuck_at_chance', 'dead_layers']);
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.findings).toEqual([
      { code: 'vanishing_gradients', severity: 'critical' },
      { code: 'stuck_at_chance', severity: 'critical' },
      { code: 'dead_layers', severity: 'warning' },
    ]);
  }, 30_000);

  it('records what a run was trained on: the backend and its device', async () => {
    const run = await newRun();
    const at = new Date().toISOString();
    const device =
      'GPU llvmpipe-llvm-15-0-6-256-bits- (OpenGL version OpenGL ES 3.2 Mesa 22.3.6), Dawn opengles, software renderer';
    await service.handle({
      v: RUN_EVENT_VERSION,
      type: 'run.started',
      runId: run.id,
      at,
      backend: 'webgpu',
      device,
      workerId: 'w',
      host: 'h',
    });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'running',
      backend: 'webgpu',
      device,
    });
    expect(
      gateway.emitted.filter((e) => e.runId === run.id && e.event === 'run.updated').at(-1)?.payload,
    ).toMatchObject({ backend: 'webgpu', device });
  });

  it('keeps the best validation epoch when a worse one arrives', async () => {
    const run = await newRun();
    await service.epochCompleted(epochEvent(run.id, 0, 0.5));
    await service.epochCompleted(epochEvent(run.id, 1, 0.2));
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      bestValAccuracy: 0.5,
      bestEpoch: 0,
      epochsCompleted: 2,
    });
  });

  it('ignores an epoch of a run that does not exist, and never reopens a finished run', async () => {
    expect(await service.epochCompleted(epochEvent('00000000-0000-4000-8000-000000000000', 0, 0.1))).toBe(false);
    const run = await newRun();
    await service.handle({ v: RUN_EVENT_VERSION, type: 'run.cancelled', runId: run.id, at: new Date().toISOString() });
    await service.handle({
      v: RUN_EVENT_VERSION,
      type: 'run.started',
      runId: run.id,
      at: new Date().toISOString(),
      backend: 'wasm',
      workerId: 'w',
      host: 'h',
    });
    await service.handle({
      v: RUN_EVENT_VERSION,
      type: 'run.completed',
      runId: run.id,
      at: new Date().toISOString(),
      bestEpoch: 0,
      testLoss: 1,
      testAccuracy: 0.5,
    });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'cancelled',
      testAccuracy: null,
    });
  });

  it('completes a run only once all its epochs are stored: a run.completed never overtakes them', async () => {
    const run = await newRun(); // 3 epochs
    const completed = {
      v: RUN_EVENT_VERSION,
      type: 'run.completed',
      runId: run.id,
      at: new Date().toISOString(),
      bestEpoch: 1,
      testLoss: 1,
      testAccuracy: 0.5,
    } as const;
    await service.epochCompleted(epochEvent(run.id, 0, 0.1));
    await expect(service.handle(completed)).rejects.toBeInstanceOf(EpochsPendingError);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('running');
    await service.epochCompleted(epochEvent(run.id, 2, 0.2));
    await service.epochCompleted(epochEvent(run.id, 1, 0.3)); // late, out of order
    await service.handle(completed);
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'completed',
      epochsCompleted: 3,
      testAccuracy: 0.5,
    });
  });

  it('records a worker from its heartbeat', async () => {
    await service.handle(workerHeartbeat('host-1'));
    await service.handle(workerHeartbeat('host-1', { runId: 'abc' }));
    expect(await prisma.worker.findMany()).toEqual([
      expect.objectContaining({ id: 'host-1', currentRunId: 'abc', backend: 'wasm' }),
    ]);
    // the Workers page hears each heartbeat with the queue depth
    await trainingQueue.add('x', {});
    const device = 'GPU NVIDIA H100 80GB HBM3 (nvidia hopper), Dawn vulkan';
    await service.handle(workerHeartbeat('host-2', { host: 'other', backend: 'webgpu', device }));
    const last = gateway.workerSnapshots.at(-1);
    expect(last?.workers.map((w) => w.id)).toEqual(['host-2', 'host-1']);
    expect(last?.workers.map((w) => [w.backend, w.device, w.pool])).toEqual([
      ['webgpu', device, 'gpu'], // a heartbeat from before pools: the backend's pool
      ['wasm', null, 'cpu'], // a heartbeat from before workers sent their device
    ]);
    expect(last?.queue.waiting).toBe(1);
    expect(last?.pools.map((p) => [p.pool, p.workers, p.given])).toEqual([
      ['gpu', 1, 0],
      ['cpu', 1, 1],
    ]);
  });

  it('drops a worker silent for longer than WORKER_FORGET_AFTER_S from the list', async () => {
    const longAgo = new Date(Date.now() - 601_000).toISOString(); // the default is 600 s
    await service.handle(workerHeartbeat('dead-1', { at: longAgo, host: 'gone' }));
    await service.handle(workerHeartbeat('alive-1', { host: 'here' }));
    const last = gateway.workerSnapshots.at(-1);
    expect(last?.workers.map((w) => w.id)).toContain('alive-1');
    expect(last?.workers.map((w) => w.id)).not.toContain('dead-1');
    expect(last?.forgetAfterMs).toBe(600_000);
    expect(await prisma.worker.findUnique({ where: { id: 'dead-1' } })).not.toBeNull(); // kept, only not listed
  });
});
