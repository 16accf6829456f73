import { z } from 'zod';

/**
 * Events a worker reports on the `run-events` queue; the api persists them and relays them to browsers.
 * Every payload carries its version so an api can refuse what it does not understand.
 */
export const RUN_EVENT_VERSION = 1;

export const LAYER_KINDS = ['conv', 'batchnorm', 'linear'] as const;
export const LayerKindSchema = z.enum(LAYER_KINDS);
export type LayerKind = z.infer<typeof LayerKindSchema>;

const finite = z.number().refine(Number.isFinite, 'must be finite');
/** Gradient statistics may legitimately be NaN or infinite when training diverges: null stands for that. */
const statistic = z.number().nullable();

/** Gradient statistics of one weight tensor over one epoch. */
export const LayerGradientStatSchema = z.strictObject({
  layerIndex: z.number().int().min(0),
  /** PyTorch parameter name, e.g. `layer_dict.block_0_0.layer_dict.conv_0.weight`. */
  name: z.string(),
  /** Name for figures, e.g. `block_0_0.conv_0`. */
  shortName: z.string(),
  kind: LayerKindSchema,
  /** Mean over the epoch's batches of mean |g|. */
  meanAbs: statistic,
  /** Mean |g| of the epoch's last batch: what the framework's plot_grad_flow shows. */
  lastBatchMeanAbs: statistic,
  /** Mean over the epoch's batches of the gradient's L2 norm. */
  l2: statistic,
  /** Largest |g| seen in the epoch. */
  maxAbs: statistic,
  /** Gradient entries that were NaN or infinite, summed over the epoch. */
  nonFiniteCount: z.number().int().min(0),
  /** L2 norm of the weight tensor at the end of the epoch. */
  weightL2: statistic,
  /**
   * Update-to-weight ratio ||w_after - w_before|| / ||w_before|| of the epoch's last step (about 1e-3 is
   * healthy; far smaller means the layer has stopped learning). Optional: events from before it existed.
   */
  updateRatio: statistic.optional(),
});
export type LayerGradientStat = z.infer<typeof LayerGradientStatSchema>;

const base = { v: z.literal(RUN_EVENT_VERSION), runId: z.string().min(1), at: z.string() };

export const RunStartedEventSchema = z.strictObject({
  ...base,
  type: z.literal('run.started'),
  backend: z.string(),
  /** What the backend computes with (the GPU adapter, the GPU or the CPU); optional: events from before it. */
  device: z.string().max(500).optional(),
  workerId: z.string(),
  host: z.string(),
});

export const EpochCompletedEventSchema = z.strictObject({
  ...base,
  type: z.literal('epoch.completed'),
  epoch: z.number().int().min(0),
  totalEpochs: z.number().int().min(1),
  trainLoss: finite.nullable(),
  trainAccuracy: finite,
  valLoss: finite.nullable(),
  valAccuracy: finite,
  learningRate: finite,
  durationMs: z.number().min(0),
  layers: z.array(LayerGradientStatSchema),
});

export const RunProgressEventSchema = z.strictObject({
  ...base,
  type: z.literal('run.progress'),
  epoch: z.number().int().min(0),
  batch: z.number().int().min(0),
  batchesPerEpoch: z.number().int().min(1),
  /** Time since the epoch began: the time left can be estimated within the first epoch. */
  epochElapsedMs: z.number().min(0).optional(),
  /** Before the first epoch: what the worker prepares (e.g. 'downloading CIFAR-100') and how far, 0..1. */
  preparing: z.strictObject({ what: z.string().max(200), fraction: z.number().min(0).max(1).nullable() }).optional(),
});

export const RunCompletedEventSchema = z.strictObject({
  ...base,
  type: z.literal('run.completed'),
  bestEpoch: z.number().int().min(0),
  testLoss: finite.nullable(),
  testAccuracy: finite,
});

export const RunFailedEventSchema = z.strictObject({
  ...base,
  type: z.literal('run.failed'),
  error: z.string(),
});

export const RunCancelledEventSchema = z.strictObject({
  ...base,
  type: z.literal('run.cancelled'),
});

export const WorkerHeartbeatEventSchema = z.strictObject({
  v: z.literal(RUN_EVENT_VERSION),
  type: z.literal('worker.heartbeat'),
  at: z.string(),
  workerId: z.string(),
  host: z.string(),
  backend: z.string(),
  device: z.string().max(500).optional(),
  runId: z.string().nullable(),
  /** Since when the worker waits for an api that cannot be reached or answers 503; null (or absent) when not. */
  waitingForApiSince: z.string().nullable().optional(),
  /** What it has, for pools (absent from workers older than pools: the backend's pool, nothing measured). */
  pool: z.string().max(32).optional(),
  memoryBytes: z.number().min(0).optional(),
  speed: z.number().min(0).optional(),
});

export const RunEventSchema = z.discriminatedUnion('type', [
  RunStartedEventSchema,
  EpochCompletedEventSchema,
  RunProgressEventSchema,
  RunCompletedEventSchema,
  RunFailedEventSchema,
  RunCancelledEventSchema,
  WorkerHeartbeatEventSchema,
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
export type RunStartedEvent = RunEventOf<'run.started'>;
export type EpochCompletedEvent = RunEventOf<'epoch.completed'>;
export type RunProgressEvent = RunEventOf<'run.progress'>;
export type RunCompletedEvent = RunEventOf<'run.completed'>;
export type RunFailedEvent = RunEventOf<'run.failed'>;
export type RunCancelledEvent = RunEventOf<'run.cancelled'>;
export type WorkerHeartbeatEvent = RunEventOf<'worker.heartbeat'>;

/**
 * What workers report that is only worth having live: batch progress (every second or so) and heartbeats.
 * A missed one is replaced by the next within seconds, so they go over Redis pub/sub (`workerLiveChannel`)
 * to every api instance, and the durable run-events queue keeps what must not be lost: epochs, status and
 * results.
 */
export type LiveOnlyEvent = RunProgressEvent | WorkerHeartbeatEvent;
export const isLiveOnlyEvent = (event: RunEvent): event is LiveOnlyEvent =>
  event.type === 'run.progress' || event.type === 'worker.heartbeat';

/** The Redis pub/sub channel of live-only events, under QUEUE_PREFIX as the queues. */
export const workerLiveChannel = (queuePrefix: string) => `${queuePrefix}:worker-live`;
