import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  JOBS,
  redisConnectionFromUrl,
  trainingQueueName,
  TRAINING_JOB_OPTIONS,
  TRAINING_JOB_VERSION,
  type ExperimentConfig,
  type TrainingJob,
} from '@gradlab/contracts';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';

/** Job states of a run given to a pool that has not finished there. */
export const UNFINISHED_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * The training queue of each worker pool (BullMQ, one queue a pool: a pool's workers take only its jobs). A
 * run's job is named by the run's id, so the same run is never queued twice.
 */
@Injectable()
export class TrainingQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue<TrainingJob>>();

  constructor(private readonly config: AppConfig) {}

  of(pool: string): Queue<TrainingJob> {
    let queue = this.queues.get(pool);
    if (!queue) {
      queue = new Queue<TrainingJob>(trainingQueueName(pool), {
        connection: redisConnectionFromUrl(this.config.redisUrl),
        prefix: this.config.queuePrefix,
      });
      queue.on('error', () => undefined); // Redis down: callers hear it from their own calls
      this.queues.set(pool, queue);
    }
    return queue;
  }

  async add(pool: string, runId: string, config: ExperimentConfig): Promise<void> {
    const job: TrainingJob = { v: TRAINING_JOB_VERSION, runId, config };
    await this.of(pool).add(JOBS.trainRun, job, { ...TRAINING_JOB_OPTIONS, jobId: runId });
  }

  /** The run's job in its pool's queue, if it has one. */
  async job(pool: string, runId: string) {
    return (await this.of(pool).getJob(runId)) ?? undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
