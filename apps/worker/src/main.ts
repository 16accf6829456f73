import { totalmem } from 'node:os';
import {
  isRedisConnectionError,
  JOBS,
  poolOfBackend,
  redisConnectionFromUrl,
  RedisOutageLog,
  RUN_EVENT_VERSION,
  trainingQueueName,
} from '@gradlab/contracts';
import { BACKEND_PREFERENCE, describeDevice, measureSpeed, onSoftwareAdapter, selectBackend } from '@gradlab/training';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { CheckpointsClient } from './checkpoints.client';
import { RunEventsPublisher } from './run-events.publisher';
import { createTrainRunProcessor } from './train-run.processor';
import { loadWorkerConfig } from './worker-config';

/** A training worker: one job at a time on the best TensorFlow.js backend this host can load. */
async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const log = (line: string) => console.log(`[worker ${config.workerId}] ${line}`);
  // One line per better backend that did not load and why (from selectBackend), then the choice and the device.
  const backend = await selectBackend(config.backend, log, { wasmThreads: config.wasmThreads });
  const skipped = config.backend
    ? 'forced by TF_BACKEND'
    : BACKEND_PREFERENCE.indexOf(backend) === 0
      ? 'the best there is'
      : 'the best that loaded';
  const device = describeDevice(backend);
  log(`backend ${backend} (${skipped})`);
  log(`device ${device}`);
  log(`data in ${config.dataDir}`);
  const pool = config.pool ?? poolOfBackend(backend, onSoftwareAdapter(backend));
  const speed = await measureSpeed();
  const memoryBytes = totalmem();
  log(
    `pool ${pool}: ${speed.toFixed(0)} images/s on the speed probe, ${(memoryBytes / 2 ** 30).toFixed(1)} GiB memory`,
  );

  const connection = redisConnectionFromUrl(config.redisUrl);
  const redis = new IORedis({ ...connection, maxRetriesPerRequest: 3 });
  // one line when Redis goes away and one when it is back, instead of one per client and retry
  const outages = new RedisOutageLog(log);
  outages.watch(redis);
  const publisher = new RunEventsPublisher(connection, config.queuePrefix, redis);
  outages.absorb(publisher.queue, 'run-events queue');
  let currentRun: string | null = null;
  /** While the api is unreachable or answers 503 (its database down), since when: the heartbeat says so. */
  let waitingForApiSince: Date | null = null;

  const processor = createTrainRunProcessor({
    backend,
    device,
    workerId: config.workerId,
    dataDir: config.dataDir,
    dataset: config.dataset,
    queuePrefix: config.queuePrefix,
    redis,
    checkpoints: new CheckpointsClient(config.apiUrl, config.workerToken, (since) => {
      waitingForApiSince = since;
      log(
        since
          ? `waiting for the api at ${config.apiUrl} (unreachable, or answering 503); the run keeps its attempts`
          : 'the api answers again',
      );
      void heartbeat();
    }),
    publish: (event) => publisher.publish(event),
    setCurrentRun: (runId) => (currentRun = runId),
    log,
  });
  // The pool's queue: the api's dispatcher puts a run there when it gives it to one of the pool's workers.
  const worker = new Worker(trainingQueueName(pool), processor, {
    connection,
    prefix: config.queuePrefix,
    concurrency: 1,
    // Steps yield to the event loop, so the lock is renewed while training; a killed worker's job stalls
    // and is handed to another worker, which resumes it from the latest checkpoint.
    lockDuration: config.lockDurationMs,
    stalledInterval: Math.max(500, Math.floor(config.lockDurationMs / 2)),
    // A worker that died is not the run's fault: however often that happens, the job goes back to the queue
    // (BullMQ's default fails it after one stall, ours did after 3, and the run then showed `running` until
    // the reconciler re-queued it). Attempts count failures of the run itself.
    maxStalledCount: Number.MAX_SAFE_INTEGER,
    name: JOBS.trainRun,
  });
  worker.on('failed', (job, error) => log(`job ${job?.id} failed: ${error.message}`));
  outages.absorb(worker, 'training queue');

  const heartbeat = () =>
    publisher
      .publish({
        v: RUN_EVENT_VERSION,
        type: 'worker.heartbeat',
        at: new Date().toISOString(),
        workerId: config.workerId,
        host: config.host,
        backend,
        device,
        runId: currentRun,
        waitingForApiSince: waitingForApiSince?.toISOString() ?? null,
        pool,
        memoryBytes,
        speed,
      })
      .catch((error: Error) => {
        if (!(outages.isDown && isRedisConnectionError(error))) log(`heartbeat failed: ${error.message}`);
      });
  void heartbeat();
  const timer = setInterval(heartbeat, config.heartbeatIntervalMs);
  log('waiting for training jobs');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    clearInterval(timer);
    await worker.close(true).catch(() => undefined);
    await publisher.close().catch(() => undefined);
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: Error) => {
  console.error(`gradlab worker failed to start: ${error.message}`);
  process.exit(1);
});
