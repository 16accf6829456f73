import { z } from 'zod';

/**
 * Worker pools. A worker serves the pool its backend puts it in (WORKER_POOL names another), and takes its
 * runs from that pool's training queue. `cpu` keeps the queue name every worker used before pools.
 */
export const CPU_POOL = 'cpu';
export const GPU_POOL = 'gpu';
/** Backends that compute on a GPU: their workers are the `gpu` pool. */
export const GPU_BACKENDS: readonly string[] = ['tfjs-node-gpu', 'webgpu'];
export const PoolNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a pool is named in lower-case letters, digits and dashes (at most 32)');

/**
 * The pool a backend's worker serves. A software or fallback adapter (Mesa's llvmpipe under webgpu) is no
 * GPU: it trains at a tenth of wasm's speed, so its worker serves `cpu` and never makes runs wait for a GPU.
 */
export const poolOfBackend = (backend: string, softwareAdapter = false): string =>
  GPU_BACKENDS.includes(backend) && !softwareAdapter ? GPU_POOL : CPU_POOL;

/** The BullMQ queue of a pool's training jobs. */
export const trainingQueueName = (pool: string): string => (pool === CPU_POOL ? 'training' : `training-${pool}`);

/** What a run asks of the worker that trains it. */
export const RunResourcesSchema = z.strictObject({
  pool: PoolNameSchema.optional().describe("the pool whose workers may train it: 'gpu', 'cpu' or a pool staff named"),
  minSpeed: z
    .number()
    .positive()
    .max(1e7)
    .optional()
    .describe('the least speed a worker must have measured (images/s on the speed probe, as the Workers page shows)'),
});
export type RunResources = z.infer<typeof RunResourcesSchema>;

/** Staff's settings for a team's share of the workers. */
export const TeamShareRequestSchema = z.strictObject({
  weight: z
    .number()
    .positive()
    .max(1000)
    .optional()
    .describe('its share of worker time against other teams (1 by default): a team of weight 2 gets twice the time'),
  weeklyBudgetHours: z
    .number()
    .positive()
    .max(100_000)
    .nullable()
    .optional()
    .describe('worker hours a week (weeks start Monday 00:00 UTC); null for no budget'),
});
export type TeamShareRequest = z.infer<typeof TeamShareRequestSchema>;

const isoDate = z.string().describe('ISO 8601 timestamp');

/** A team's use of the workers: against its weekly budget, and over the fair-share window. */
export const QuotaDtoSchema = z.object({
  teamId: z.string().uuid(),
  teamName: z.string(),
  weight: z.number().describe('its share of worker time against other teams'),
  weeklyBudgetHours: z.number().nullable().describe('null: no budget'),
  usedHours: z.number().describe('worker hours this week, running runs counted to now'),
  weekStartsAt: isoDate,
  freesAt: isoDate
    .nullable()
    .describe('when the budget is free again (the next week) while it is spent; null while there is some left'),
  windowHours: z.number().describe('FAIR_SHARE_WINDOW_H: the window fair share looks back over'),
  windowUsedHours: z.number().describe('worker hours in that window: the less, the sooner its runs start'),
  queued: z.number().int().describe('its runs waiting for a worker'),
});
export type QuotaDto = z.infer<typeof QuotaDtoSchema>;

export const TeamsQuotaDtoSchema = z.object({ teams: z.array(QuotaDtoSchema) });
export type TeamsQuotaDto = z.infer<typeof TeamsQuotaDtoSchema>;

/** What a 429 for a spent budget carries besides its message. */
export const QuotaExceededSchema = z.object({
  budgetHours: z.number(),
  usedHours: z.number(),
  freesAt: isoDate,
});
export type QuotaExceeded = z.infer<typeof QuotaExceededSchema>;
