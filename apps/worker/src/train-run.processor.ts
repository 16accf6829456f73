import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  cancelKey,
  JOBS,
  RUN_EVENT_VERSION,
  runOwnerKey,
  toFieldErrors,
  TRAINING_JOB_OPTIONS,
  TrainingJobSchema,
  type RunEvent,
} from '@gradlab/contracts';
import {
  ensureCifar100,
  RunCancelledError,
  trainRun,
  type BackendName,
  type TrainRunCallbacks,
} from '@gradlab/training';
import { UnrecoverableError, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { CheckpointsClient } from './checkpoints.client';

export interface TrainRunProcessorDeps {
  backend: BackendName;
  /** What the backend computes with (describeDevice), recorded with each run. */
  device: string;
  workerId: string;
  dataDir: string;
  /** Whether and from where CIFAR-100 is fetched on first use. */
  dataset?: { download: boolean; url?: string; md5?: string };
  /** QUEUE_PREFIX: the run-owner keys live beside the queues. */
  queuePrefix: string;
  redis: IORedis;
  checkpoints: Pick<CheckpointsClient, 'download' | 'upload'>;
  publish(event: RunEvent): Promise<void>;
  /** Tells the heartbeat which run this worker is on. */
  setCurrentRun(runId: string | null): void;
  log(line: string): void;
}

type Distribute<T> = T extends unknown ? Omit<T, 'v' | 'at'> : never;

/** Download progress goes out at most this often. */
const PREPARING_PROGRESS_MS = 500;

/** A run's owner key outlives any run, and then some. */
const OWNER_TTL_S = 7 * 24 * 3600;

/** Another training attempt took the run over (this one was orphaned, e.g. by a Redis flush). */
class RunHandedOverError extends Error {}

/**
 * One training job: validate the payload, train, report every epoch. A payload that fails its contract, bad
 * data or any final error fails the run at once with a readable reason; other errors are retried by BullMQ
 * and fail the run only on the last attempt. Either way the worker goes on to the next job.
 */
export function createTrainRunProcessor(deps: TrainRunProcessorDeps) {
  const emit = (event: Distribute<RunEvent>) =>
    deps.publish({ ...event, v: RUN_EVENT_VERSION, at: new Date().toISOString() } as RunEvent);

  /** CIFAR-100 fetched on first use, its progress shown on the run page (every half second at most). */
  const ensureDataset = async (runId: string) => {
    let lastSent = 0;
    await ensureCifar100(deps.dataDir, {
      download: deps.dataset?.download ?? true,
      url: deps.dataset?.url,
      md5: deps.dataset?.md5,
      log: deps.log,
      onProgress: (fraction) => {
        if (Date.now() - lastSent < PREPARING_PROGRESS_MS && fraction !== 1) return;
        lastSent = Date.now();
        const preparing = { what: 'downloading CIFAR-100', fraction };
        void emit({ type: 'run.progress', runId, epoch: 0, batch: 0, batchesPerEpoch: 1, preparing }).catch(
          () => undefined,
        );
      },
    });
  };

  return async (job: Job<unknown>): Promise<string> => {
    const runId = typeof job.id === 'string' ? job.id : String((job.data as { runId?: unknown })?.runId ?? 'unknown');
    const parsed = TrainingJobSchema.safeParse(job.data);
    if (job.name !== JOBS.trainRun || !parsed.success) {
      const reason = parsed.success
        ? `unknown job name ${job.name}`
        : toFieldErrors(parsed.error)
            .map((e) => `${e.field}: ${e.message}`)
            .join('; ');
      await emit({ type: 'run.failed', runId, error: `invalid training job: ${reason}` });
      throw new UnrecoverableError(`invalid training job: ${reason}`);
    }
    const { config } = parsed.data;
    const isCancelled = async () => (await deps.redis.exists(cancelKey(deps.queuePrefix, runId))) === 1;
    if (await isCancelled()) {
      await emit({ type: 'run.cancelled', runId });
      return 'cancelled';
    }

    deps.setCurrentRun(runId);
    // This attempt holds the run from now on. Checked with every cancel poll: once another attempt has
    // claimed it, this one stops without a word, so two never train the same run for long.
    const owner = `${deps.workerId}:${randomUUID()}`;
    const ownerKey = runOwnerKey(deps.queuePrefix, runId);
    await deps.redis.set(ownerKey, owner, 'EX', OWNER_TTL_S);
    // Every epoch reported by this attempt, to report again if Redis lost events not yet stored.
    const reported: Distribute<RunEvent>[] = [];
    const reportAgain = async (why: string) => {
      deps.log(
        `${why}: reporting epochs ${reported.map((e) => ('epoch' in e ? e.epoch : '')).join(', ')} of run ${runId} again`,
      );
      for (const event of reported) await emit(event); // stored once, however often delivered
    };
    const checkStillOwner = async () => {
      let holder = await deps.redis.get(ownerKey);
      // Gone: Redis lost its data (a flush), and with it any event not yet stored. Claim the run again,
      // unless another attempt does so first, and report again what was trained.
      if (holder === null && (await deps.redis.set(ownerKey, owner, 'EX', OWNER_TTL_S, 'NX')) === 'OK') {
        holder = owner;
        await reportAgain('Redis lost its data');
      }
      if (holder !== owner) {
        await reportAgain('another attempt took the run over');
        throw new RunHandedOverError(`run ${runId} is now trained by another attempt (${holder})`);
      }
    };
    try {
      // A job handed over from a worker that died resumes from the latest checkpoint the api holds.
      const latest = await deps.checkpoints.download(runId, 'latest');
      const resume = latest ? { latest, best: await deps.checkpoints.download(runId, 'best') } : undefined;
      if (resume) deps.log(`run ${runId} resumes from its latest checkpoint`);
      await emit({
        type: 'run.started',
        runId,
        backend: deps.backend,
        device: deps.device,
        workerId: deps.workerId,
        host: hostname(),
      });
      const callbacks: TrainRunCallbacks = {
        onCheckpoint: (kind, bytes, epoch) =>
          deps.checkpoints
            .upload(runId, kind, bytes, epoch)
            .catch((error: Error) => deps.log(`checkpoint not saved: ${error.message}`)),
        onEpoch: (epoch) => {
          const event = { type: 'epoch.completed', runId, ...epoch } as const;
          reported.push(event);
          return emit(event);
        },
        onProgress: (p) => void emit({ type: 'run.progress', runId, ...p }).catch(() => undefined),
        isCancelled: async () => {
          await checkStillOwner();
          return isCancelled();
        },
      };
      if (config.data.dataset === 'cifar100') await ensureDataset(runId);
      const result = await trainRun(runId, config, deps.dataDir, callbacks, { resume });
      await checkStillOwner(); // a flush during the test evaluation: the epochs go again before the result
      await emit({ type: 'run.completed', runId, ...result });
      deps.log(`run ${runId} completed: test accuracy ${result.testAccuracy.toFixed(4)}`);
      return 'completed';
    } catch (error) {
      if (error instanceof RunHandedOverError) {
        deps.log(`stopped: ${error.message}`);
        return 'handed over';
      }
      if (error instanceof RunCancelledError) {
        await emit({ type: 'run.cancelled', runId });
        deps.log(`run ${runId} cancelled`);
        return 'cancelled';
      }
      const message = error instanceof Error ? error.message : String(error);
      const final = (error as { final?: boolean }).final === true;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? TRAINING_JOB_OPTIONS.attempts);
      deps.log(`run ${runId} failed${final || lastAttempt ? '' : ' (will retry)'}: ${message}`);
      if (final || lastAttempt) await emit({ type: 'run.failed', runId, error: message });
      throw final ? new UnrecoverableError(message) : error;
    } finally {
      deps.setCurrentRun(null);
    }
  };
}
