import { z } from 'zod';
import { ExperimentConfigSchema } from './experiment-config';

/** Queue and job names never change once shipped: workers and apis of different versions share them. */
export const QUEUES = {
  training: 'training',
  runEvents: 'run-events',
} as const;

export const JOBS = {
  trainRun: 'train-run',
} as const;

/** Retry policy for training jobs, defined once. Final errors (bad config, corrupt data) skip retries. */
export const TRAINING_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export const TRAINING_JOB_VERSION = 1;

export const TrainingJobSchema = z.strictObject({
  v: z.literal(TRAINING_JOB_VERSION),
  runId: z.string().min(1),
  config: ExperimentConfigSchema,
});
export type TrainingJob = z.infer<typeof TrainingJobSchema>;

/**
 * Redis key naming the training attempt that holds a run. Each attempt claims it when it starts, so an
 * attempt orphaned by a Redis flush (its run re-queued and taken by another) sees it has lost the run.
 */
export const runOwnerKey = (queuePrefix: string, runId: string) => `${queuePrefix}:owner:${runId}`;

/** Redis key the api sets to ask the worker training a run to stop it (under QUEUE_PREFIX, as the queues). */
export const cancelKey = (queuePrefix: string, runId: string) => `${queuePrefix}:cancel:${runId}`;
