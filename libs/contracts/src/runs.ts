import { z } from 'zod';
import { BLOCK_TYPES, ExperimentConfigSchema } from './experiment-config';
import { LayerGradientStatSchema } from './run-events';
import { QuotaExceededSchema, RunResourcesSchema } from './scheduling';
import { text } from './validation';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
export const RUN_KINDS = ['trained', 'imported'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const CreateRunRequestSchema = z.strictObject({
  name: text().trim().min(1).max(200).optional(),
  config: ExperimentConfigSchema,
  resources: RunResourcesSchema.optional(),
});
export type CreateRunRequest = z.input<typeof CreateRunRequestSchema>;
/** A submission once parsed, with its defaults filled in: what the api queues. */
export type ParsedCreateRunRequest = z.output<typeof CreateRunRequestSchema>;

export const ListRunsQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  status: z.enum(RUN_STATUSES).optional(),
  blockType: z.enum(BLOCK_TYPES).optional(),
  architecture: z
    .string()
    .regex(/^VGG_\d+$/, 'must look like VGG_38')
    .optional()
    .describe('the depth, as the architecture name: VGG_08, VGG_38, ...'),
  q: text().trim().max(200).optional().describe('part of the run name, case-insensitive'),
  after: z
    .string()
    .max(200)
    .optional()
    .describe("the previous page's nextCursor: the next page by keyset, as fast however deep (page is then ignored)"),
});
export type ListRunsQuery = z.input<typeof ListRunsQuerySchema>;
/** `POST /api/imports`: the form fields beside the files of the course framework's result folder. */
export const ImportFieldsSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  folder: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe("the result folder's name, e.g. VGG_38_experiment: the network is read from it"),
});
export type ImportFields = z.output<typeof ImportFieldsSchema>;

/** The list's query once parsed, with its defaults: what the api works with. */
export type ParsedListRunsQuery = z.output<typeof ListRunsQuerySchema>;
/** `GET /api/runs.csv`: the list's filters; the export pages through them itself. */
export const RunsTableQuerySchema = ListRunsQuerySchema.omit({ page: true, pageSize: true, after: true });

const isoDate = z.string().describe('ISO 8601 timestamp');

export const RunDtoSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  status: z.enum(RUN_STATUSES),
  kind: z
    .enum(RUN_KINDS)
    .describe("trained by gradlab, or imported from the course framework's result files (read-only)"),
  config: ExperimentConfigSchema,
  architecture: z.string().describe('VGG_08, VGG_38, ...: the conv and linear layers counted'),
  backend: z
    .string()
    .nullable()
    .describe('tfjs-node-gpu, webgpu, tfjs-node, wasm or cpu, once a worker started the run'),
  device: z
    .string()
    .nullable()
    .describe(
      "what the backend computed with: the GPU adapter (webgpu: device, vendor, Dawn's backend), the GPU, or the CPU and its threads",
    ),
  workerId: z.string().nullable(),
  workerHost: z.string().nullable(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  epochsCompleted: z.number().int(),
  bestValAccuracy: z.number().nullable(),
  bestEpoch: z.number().int().nullable(),
  testLoss: z.number().nullable().describe('of the best-validation weights'),
  testAccuracy: z.number().nullable().describe('of the best-validation weights'),
  error: z.string().nullable(),
  groupId: z.string().uuid().nullable().describe('the seed group or sweep the run belongs to'),
  resources: RunResourcesSchema.describe('what it asked of its worker ({} when nothing)'),
  pool: z.string().nullable().describe('the pool of the worker it was given to; null until then'),
});
export type RunDto = z.infer<typeof RunDtoSchema>;

export const RunPageDtoSchema = z.object({
  items: z.array(RunDtoSchema),
  page: z.number().int().nullable().describe('null for a page asked by cursor (after)'),
  pageSize: z.number().int(),
  total: z.number().int(),
  nextCursor: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
});
export interface PageDto<T> {
  items: T[];
  page: number | null;
  pageSize: number;
  total: number;
  nextCursor: string | null;
}

export const EpochDtoSchema = z.object({
  epoch: z.number().int(),
  trainLoss: z.number().nullable(),
  trainAccuracy: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number(),
  learningRate: z.number(),
  durationMs: z.number(),
});
export type EpochDto = z.infer<typeof EpochDtoSchema>;

/** A stored layer row is what the worker reported; the update-to-weight ratio is null for epochs recorded before it was measured. */
export const LayerGradientDtoSchema = LayerGradientStatSchema.extend({ updateRatio: z.number().nullable() });
export type LayerGradientDto = z.infer<typeof LayerGradientDtoSchema>;

export const GradientFlowDtoSchema = z.object({
  runId: z.string().uuid(),
  epoch: z.number().int(),
  layers: z.array(LayerGradientDtoSchema).describe('one row per weight tensor, in network order'),
});
export type GradientFlowDto = z.infer<typeof GradientFlowDtoSchema>;

export const WorkerDtoSchema = z.object({
  id: z.string(),
  host: z.string(),
  backend: z.string(),
  device: z.string().nullable(),
  currentRunId: z.string().nullable().describe("the run it trains; null when idle, or when the run is another team's"),
  busy: z.boolean().describe("whether it trains a run, whoever's"),
  waitingForApiSince: isoDate
    .nullable()
    .describe(
      'since when the worker waits for an api it cannot reach (or that answers 503), keeping its run; null when not',
    ),
  startedAt: isoDate,
  lastHeartbeatAt: isoDate,
  pool: z
    .string()
    .describe("the pool it serves: 'gpu' for GPU backends on a hardware adapter, 'cpu' otherwise, or WORKER_POOL"),
  memoryBytes: z.number().nullable().describe("the host's memory"),
  speed: z.number().nullable().describe('images/s it measured at start on the speed probe (VGG_08, batch 16)'),
});
export type WorkerDto = z.infer<typeof WorkerDtoSchema>;

/** A worker silent for this long (six heartbeats at the default interval) is shown as offline. */
export const WORKER_OFFLINE_AFTER_MS = 30_000;

export const WorkersDtoSchema = z.object({
  workers: z
    .array(WorkerDtoSchema)
    .describe('most recent heartbeat first; a worker silent for longer than forgetAfterMs is left out'),
  forgetAfterMs: z
    .number()
    .int()
    .describe('how long a silent worker stays listed (offline after WORKER_OFFLINE_AFTER_MS)'),
  queue: z.object({
    waiting: z.number().int(),
    active: z.number().int(),
    delayed: z.number().int(),
    failed: z.number().int(),
  }),
  pools: z
    .array(
      z.object({
        pool: z.string(),
        workers: z.number().int().describe('its workers online'),
        queued: z.number().int().describe('runs waiting that only this pool may train'),
        given: z.number().int().describe('runs given to its workers that have not started yet'),
        active: z.number().int().describe('runs its workers train'),
      }),
    )
    .describe("each pool's queue, the pools of the workers listed first"),
  anyPoolQueued: z.number().int().describe('runs waiting that any pool may train'),
});
export type WorkersDto = z.infer<typeof WorkersDtoSchema>;

export const HealthDtoSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  postgres: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
});
export type HealthDto = z.infer<typeof HealthDtoSchema>;

/** The body of every error answer of the REST api. */
export const ErrorDtoSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('for bad input: one entry per field'),
  quota: QuotaExceededSchema.optional().describe('QUOTA_EXCEEDED: the budget, what is used, when it frees up'),
});
export type ErrorDto = z.infer<typeof ErrorDtoSchema>;

export const EstimateRequestSchema = z.strictObject({
  config: ExperimentConfigSchema,
  resources: RunResourcesSchema.optional(),
});
export type EstimateRequest = z.input<typeof EstimateRequestSchema>;

/** How long a config would train, from the epoch times workers measured: before it is submitted. */
export const DurationEstimateDtoSchema = z.object({
  epochMs: z.number().nullable().describe('one epoch (training and validation); null when no epoch was ever measured'),
  totalMs: z.number().nullable().describe('every epoch and the test'),
  basis: z
    .enum(['same-network', 'scaled', 'none'])
    .describe('same-network: measured on this network; scaled: from other networks by their multiply-adds'),
  epochsMeasured: z.number().int().describe('how many stored epochs the estimate rests on'),
  backend: z
    .string()
    .nullable()
    .describe("the backend those epochs ran on: the most recent epoch's (the workers' current one); null if none"),
  pool: z
    .string()
    .nullable()
    .describe("the pool of those workers ('cpu' or 'gpu'), which the estimate assumes; null if none"),
  waitsForGpu: z
    .boolean()
    .describe('over CPU_MAX_ESTIMATE_H on a CPU worker while a GPU worker was seen in the last day: it waits for one'),
});
export type DurationEstimateDto = z.infer<typeof DurationEstimateDtoSchema>;

/** Where a queued run stands, in the order fair share will give runs to workers. */
export const QueuePositionDtoSchema = z.object({
  status: z.enum(RUN_STATUSES),
  position: z.number().int().nullable().describe('1 = next to start; null unless queued'),
  ahead: z.number().int().describe('queued runs that fair share gives a worker before this one (of every team)'),
  pool: z.string().nullable().describe('the pool it waits for; null when any worker may take it'),
  running: z.number().int().describe('runs training now'),
  workers: z.number().int().describe('workers heard from in the last 30 s'),
  estimatedWaitMs: z
    .number()
    .nullable()
    .describe('until it starts: the work ahead over the workers; null when nothing was measured yet'),
  waitsForGpuUntil: z
    .string()
    .nullable()
    .describe(
      'too long for a CPU worker, it waits for a GPU worker until then (the last one seen, plus GPU_SEEN_WINDOW_MIN); after that a CPU worker may take it. null when it waits for no GPU',
    ),
});
export type QueuePositionDto = z.infer<typeof QueuePositionDtoSchema>;
