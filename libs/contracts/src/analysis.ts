import { z } from 'zod';

/** Mean, sample standard deviation (null for fewer than two values), extremes and count of one metric. */
export const StatDtoSchema = z.object({
  mean: z.number().nullable(),
  std: z.number().nullable().describe('sample standard deviation (n - 1); null when n < 2'),
  min: z.number().nullable(),
  max: z.number().nullable(),
  n: z.number().int().describe('runs with a finite value'),
});
export type StatDto = z.infer<typeof StatDtoSchema>;

/**
 * A log-scale statistic (gradient magnitudes span many decades): mean and std of log10 of the positive
 * values, so the band mean x 10^(+-std) is symmetric on a log axis. Exact zeros cannot be logged: counted apart.
 */
export const LogStatDtoSchema = z.object({
  geometricMean: z.number().nullable().describe('10^(mean of log10)'),
  log10Std: z.number().nullable().describe('sample std of log10, in decades; null when n < 2'),
  min: z.number().nullable(),
  max: z.number().nullable(),
  n: z.number().int().describe('runs with a positive finite value'),
  zeros: z.number().int().describe('runs whose value was exactly 0'),
});
export type LogStatDto = z.infer<typeof LogStatDtoSchema>;

export const EPOCH_METRICS = [
  'trainLoss',
  'trainAccuracy',
  'valLoss',
  'valAccuracy',
  'learningRate',
  'durationMs',
] as const;
export type EpochMetric = (typeof EPOCH_METRICS)[number];

export const AggregateEpochDtoSchema = z.object({
  epoch: z.number().int(),
  n: z.number().int().describe('runs that reached this epoch'),
  ...Object.fromEntries(EPOCH_METRICS.map((m) => [m, StatDtoSchema])),
}) as z.ZodObject<{ epoch: z.ZodNumber; n: z.ZodNumber } & Record<EpochMetric, typeof StatDtoSchema>>;
export type AggregateEpochDto = { epoch: number; n: number } & Record<EpochMetric, StatDto>;

/** Gradient statistics aggregated in log space; weightL2 and nonFiniteCount are linear. */
export const LOG_GRADIENT_STATISTICS = ['meanAbs', 'lastBatchMeanAbs', 'l2', 'maxAbs', 'updateRatio'] as const;
export type LogGradientStatistic = (typeof LOG_GRADIENT_STATISTICS)[number];

export const AggregateLayerDtoSchema = z.object({
  layerIndex: z.number().int(),
  name: z.string(),
  shortName: z.string(),
  kind: z.string(),
  n: z.number().int(),
  ...Object.fromEntries(LOG_GRADIENT_STATISTICS.map((s) => [s, LogStatDtoSchema])),
  weightL2: StatDtoSchema,
  nonFiniteCount: StatDtoSchema,
}) as unknown as z.ZodType<AggregateLayerDto>;
export type AggregateLayerDto = {
  layerIndex: number;
  name: string;
  shortName: string;
  kind: string;
  n: number;
  weightL2: StatDto;
  nonFiniteCount: StatDto;
} & Record<LogGradientStatistic, LogStatDto>;

export const AggregateDtoSchema = z.object({
  runs: z.array(z.string()).describe('the runs aggregated'),
  epochs: z.array(AggregateEpochDtoSchema).describe('aligned by epoch index; n falls where runs stopped early'),
  test: z.object({ testAccuracy: StatDtoSchema, testLoss: StatDtoSchema, bestValAccuracy: StatDtoSchema }),
  gradientFlow: z.array(z.object({ epoch: z.number().int(), layers: z.array(AggregateLayerDtoSchema) })),
  logScale: z.array(z.string()).describe('the gradient statistics aggregated in log10 space'),
});
export type AggregateDto = {
  runs: string[];
  epochs: AggregateEpochDto[];
  test: { testAccuracy: StatDto; testLoss: StatDto; bestValAccuracy: StatDto };
  gradientFlow: { epoch: number; layers: AggregateLayerDto[] }[];
  logScale: string[];
};

/**
 * Which epochs' layer statistics an aggregate carries. Every epoch's are a megabyte for 24 runs of a VGG_38
 * over 20 epochs; the group page draws one epoch's, and reloads the aggregate while the group trains.
 */
export const AGGREGATE_GRADIENT_FLOWS = ['all', 'latest', 'none'] as const;
export type AggregateGradientFlow = (typeof AGGREGATE_GRADIENT_FLOWS)[number];

export const GroupAggregateQuerySchema = z.strictObject({
  cell: z
    .string()
    .optional()
    .describe('one cell of a grid, as the group lists it (lr=0.001 batch=64); needed when the group has a grid'),
  gradientFlow: z
    .enum(AGGREGATE_GRADIENT_FLOWS)
    .default('all')
    .describe("which epochs' layer statistics: all; latest, the last epoch every run has reached; none"),
});
export type GroupAggregateQuery = z.infer<typeof GroupAggregateQuerySchema>;

export const FINDING_CODES = [
  'diverged',
  'exploding_gradients',
  'vanishing_gradients',
  'stuck_at_chance',
  'dead_layers',
  'overfitting',
  'loss_spike',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FindingDtoSchema = z.object({
  code: z.enum(FINDING_CODES),
  severity: z.enum(SEVERITIES),
  summary: z.string(),
  evidence: z.object({
    chart: z.enum(['learning-curves', 'gradient-flow']).describe('where the dashboard shows it'),
    epochs: z.array(z.number().int()),
    layers: z.array(z.string()).describe('short names of the layers concerned'),
    values: z.record(z.string(), z.number()).describe('the numbers the finding rests on'),
  }),
  fixes: z.array(z.object({ fix: z.string(), reference: z.string() })),
});
export type FindingDto = z.infer<typeof FindingDtoSchema>;

export const DiagnosisDtoSchema = z.object({
  runId: z.string(),
  epochsSeen: z.number().int(),
  findings: z.array(FindingDtoSchema).describe('most severe first; empty: nothing wrong found'),
});
export type DiagnosisDto = z.infer<typeof DiagnosisDtoSchema>;

/** The staff cohort view: per team member, their runs, groups, diagnoses and worker time. */
export const CohortMemberDtoSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: z.string(),
  runs: z.record(z.string(), z.number().int()).describe('runs by status, and total'),
  groups: z.number().int(),
  findings: z.record(z.string(), z.number().int()).describe('runs with each finding code, from their latest diagnosis'),
  healthyRuns: z.number().int().describe('runs with epochs and no finding'),
  workerMs: z.number().describe('worker time used: start to finish (or to now) of every run a worker trained'),
  lastRunAt: z.string().nullable(),
});
export type CohortMemberDto = z.infer<typeof CohortMemberDtoSchema>;
export const CohortDtoSchema = z.object({
  teams: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(CohortMemberDtoSchema) })),
});
export type CohortDto = z.infer<typeof CohortDtoSchema>;
