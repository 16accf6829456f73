import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  cancelKey,
  JOBS,
  QUEUES,
  TRAINING_JOB_OPTIONS,
  TRAINING_JOB_VERSION,
  type ExperimentConfig,
  type TrainingJob,
} from '@gradlab/contracts';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';

/** Seven days: long enough for any run to notice that it was cancelled. */
const CANCEL_FLAG_TTL_S = 7 * 24 * 3600;

/** The training queue: a run's job is queued under the run's id, so a run that still has its job is left alone. */
@Injectable()
export class RunQueue {
  constructor(
    @InjectQueue(QUEUES.training) private readonly trainingQueue: Queue<TrainingJob>,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /** Before a write that needs the queue: 503 at once while Redis is down, before anything is written. */
  ensureReachable(what: string): void {
    this.redis.ensureReady(what);
  }

  async enqueue(runId: string, config: ExperimentConfig): Promise<void> {
    await this.trainingQueue.add(JOBS.trainRun, this.job(runId, config), { ...TRAINING_JOB_OPTIONS, jobId: runId });
  }

  /** Many runs' jobs in one round trip (a group's). */
  async enqueueMany(jobs: { runId: string; config: ExperimentConfig }[]): Promise<void> {
    await this.trainingQueue.addBulk(
      jobs.map(({ runId, config }) => ({
        name: JOBS.trainRun,
        data: this.job(runId, config),
        opts: { ...TRAINING_JOB_OPTIONS, jobId: runId },
      })),
    );
  }

  /** Removes jobs that have not started (undoing a submission that could not complete). */
  async dequeue(runIds: string[]): Promise<void> {
    for (const id of runIds)
      await (await this.trainingQueue.getJob(id).catch(() => undefined))?.remove().catch(() => undefined);
  }

  /** Raises the flag the worker training the run polls, and removes its job if no worker has taken it yet. */
  async cancel(runId: string): Promise<void> {
    await this.redis.client.set(cancelKey(this.config.queuePrefix, runId), '1', 'EX', CANCEL_FLAG_TTL_S);
    const job = await this.trainingQueue.getJob(runId);
    if (job && ['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(await job.getState())) {
      await job.remove().catch(() => undefined); // taken meanwhile: the worker will see the flag
    }
  }

  private job(runId: string, config: ExperimentConfig): TrainingJob {
    return { v: TRAINING_JOB_VERSION, runId, config };
  }
}
