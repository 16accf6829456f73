import { z } from 'zod';
import { ExperimentConfigSchema, type ExperimentConfig } from './experiment-config';
import type { LayerKind } from './run-events';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export const CreateRunRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  config: ExperimentConfigSchema,
});
export type CreateRunRequest = z.input<typeof CreateRunRequestSchema>;

export const ListRunsQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export interface RunDto {
  id: string;
  name: string;
  status: RunStatus;
  config: ExperimentConfig;
  backend: string | null;
  workerId: string | null;
  workerHost: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  epochsCompleted: number;
  bestValAccuracy: number | null;
  bestEpoch: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  error: string | null;
}

export interface PageDto<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface EpochDto {
  epoch: number;
  trainLoss: number | null;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number;
  learningRate: number;
  durationMs: number;
}

export interface LayerGradientDto {
  layerIndex: number;
  name: string;
  shortName: string;
  kind: LayerKind;
  meanAbs: number | null;
  lastBatchMeanAbs: number | null;
  l2: number | null;
  maxAbs: number | null;
  nonFiniteCount: number;
  weightL2: number | null;
}

export interface GradientFlowDto {
  runId: string;
  epoch: number;
  layers: LayerGradientDto[];
}

export interface HealthDto {
  status: 'ok' | 'degraded';
  postgres: 'up' | 'down';
  redis: 'up' | 'down';
}

/** The body of every error answer of the REST api. */
export interface ErrorDto {
  statusCode: number;
  code: string;
  message: string;
  errors?: { field: string; message: string }[];
}
