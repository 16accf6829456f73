import {
  QUEUES,
  redisConnectionFromUrl,
  RUN_EVENT_VERSION,
  workerLiveChannel,
  type ClientToServerEvents,
  type GradientFlowDto,
  type ServerToClientEvents,
  type WorkersDto,
} from '@gradlab/contracts';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { migrateDatabase } from '../database/migrator';
import { epochCompletedEvent, layerStat, workerHeartbeat } from '../test-support/run-event-builders';
import { RunEventsProcessor } from './run-events.processor';
import { startTestApi, type TestApi } from '../test-support/test-api';
import { createTestDatabase, obliterateQueues, testQueuePrefix } from '../test-support/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two api instances on one database and Redis, as a course runs them behind a load balancer. */
describe('epochs, progress and heartbeats over Redis pub/sub (two real api instances, real Redis and Postgres)', () => {
  const prefix = testQueuePrefix();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let first: TestApi;
  let second: TestApi;
  let redis: IORedis;
  let runEvents: Queue;
  const sockets: Socket[] = [];

  const connect = (api: TestApi) =>
    new Promise<Socket<ServerToClientEvents, ClientToServerEvents>>((resolve, reject) => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(api.url, {
        transports: ['websocket'],
        auth: { token: api.adminToken },
        reconnection: false,
      });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  /** A queued run of the admin's, through the first instance. */
  const submitRun = async () => {
    const response = await fetch(`${first.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.adminToken}` },
      body: JSON.stringify({ config: { data: { dataset: 'synthetic' } } }),
    });
    return (await response.json()) as { id: string };
  };
  /** A socket on each instance following the run, and what each hears of `event`. */
  const watchOnBoth = async <E extends 'run.progress' | 'epoch.completed'>(runId: string, event: E) => {
    const watchers = [await connect(first), await connect(second)];
    const heard: Parameters<ServerToClientEvents[E]>[0][][] = watchers.map(() => []);
    for (const [i, socket] of watchers.entries()) {
      socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => heard[i].push(payload)) as never);
      expect(await socket.emitWithAck('subscribe', { runId })).toEqual({ ok: true });
    }
    return heard;
  };
  const publishLive = (event: unknown) =>
    redis.publish(workerLiveChannel(prefix), typeof event === 'string' ? event : JSON.stringify(event));

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    first = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    second = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, GRADLAB_ADMIN_TOKEN: first.adminToken });
    redis = new IORedis(redisConnectionFromUrl('redis://127.0.0.1:6379'));
    runEvents = new Queue(QUEUES.runEvents, { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await first.app.close();
    await second.app.close();
    await runEvents.close();
    await obliterateQueues(prefix, [QUEUES.runEvents, QUEUES.training]);
    redis.disconnect();
    await db.drop();
  });

  it("reaches a run's watchers on either instance exactly once, and never enters the run-events queue", async () => {
    const run = await submitRun();
    const heard = await watchOnBoth(run.id, 'run.progress');
    await publishLive('not json');
    await publishLive({
      v: RUN_EVENT_VERSION,
      type: 'run.failed',
      at: new Date().toISOString(),
      runId: run.id,
      error: 'not a live event',
    });
    await publishLive({
      v: RUN_EVENT_VERSION,
      type: 'run.progress',
      at: new Date().toISOString(),
      runId: run.id,
      epoch: 0,
      batch: 7,
      batchesPerEpoch: 10,
    });
    for (let i = 0; i < 100 && heard.some((h) => h.length === 0); i++) await sleep(20);
    await sleep(300); // time for a duplicate to arrive, if one were sent
    expect(heard).toEqual([
      [expect.objectContaining({ runId: run.id, batch: 7 })],
      [expect.objectContaining({ runId: run.id, batch: 7 })],
    ]);
    expect(await runEvents.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    // what broke the contract was ignored: the run is still queued
    const stored = await (
      await fetch(`${second.url}/api/runs/${run.id}`, { headers: { authorization: `Bearer ${first.adminToken}` } })
    ).json();
    expect(stored.status).toBe('queued');
  });

  it('brings an epoch stored by one instance to the sockets of both, once each (socket.io Redis adapter)', async () => {
    const run = await submitRun();
    const heard = await watchOnBoth(run.id, 'epoch.completed');
    // Only the second instance takes events from the queue: the first one's socket hears it through Redis.
    const firstProcessor = first.app.get(RunEventsProcessor);
    await firstProcessor.worker.pause();
    try {
      const layers = Array.from({ length: 77 }, (_, i) => layerStat(i));
      await runEvents.add('epoch.completed', epochCompletedEvent(run.id, 0, { valAccuracy: 0.25, layers }));
      for (let i = 0; i < 250 && heard.some((h) => h.length === 0); i++) await sleep(20);
      await sleep(300); // time for a duplicate to arrive, if one were sent
    } finally {
      firstProcessor.worker.resume();
    }
    for (const h of heard) {
      expect(h).toHaveLength(1);
      expect(h[0]).toMatchObject({ runId: run.id, epoch: { epoch: 0, valAccuracy: 0.25 } });
    }
    const flow = (await (
      await fetch(`${first.url}/api/runs/${run.id}/gradient-flow`, {
        headers: { authorization: `Bearer ${first.adminToken}` },
      })
    ).json()) as GradientFlowDto;
    expect(flow).toMatchObject({ runId: run.id, epoch: 0 });
    expect(flow.layers).toHaveLength(77);
  });

  it('refuses a key revoked through one instance on the other at once, though the other had it cached', async () => {
    const made = await fetch(`${first.url}/api/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.adminToken}` },
      body: JSON.stringify({ name: 'revoked soon' }),
    });
    const { id, key } = (await made.json()) as { id: string; key: string };
    const runsOnSecond = () => fetch(`${second.url}/api/runs`, { headers: { authorization: `Bearer ${key}` } });
    expect((await runsOnSecond()).status).toBe(200); // now cached by the second instance
    const revoked = await fetch(`${first.url}/api/keys/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${first.adminToken}` },
    });
    expect(revoked.status).toBe(200);
    await sleep(200); // the Redis message's way to the other instance
    expect((await runsOnSecond()).status).toBe(401);
  });

  it('records a heartbeat and shows it to the staff watching the workers, once each', async () => {
    const staff = await connect(second);
    const snapshots: WorkersDto[] = [];
    staff.on('workers.updated', (s) => snapshots.push(s));
    expect(await staff.emitWithAck('subscribe.workers')).toEqual({ ok: true });
    await publishLive(workerHeartbeat('gpu-host-1', { host: 'gpu-host-1', backend: 'tfjs-node-gpu' }));
    for (let i = 0; i < 100 && snapshots.length === 0; i++) await sleep(20);
    await sleep(300);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0].workers.map((w) => w.id)).toContain('gpu-host-1');
    const listed = (await (
      await fetch(`${first.url}/api/workers`, { headers: { authorization: `Bearer ${first.adminToken}` } })
    ).json()) as WorkersDto;
    expect(listed.workers.find((w) => w.id === 'gpu-host-1')).toMatchObject({ backend: 'tfjs-node-gpu' });
  });
});
