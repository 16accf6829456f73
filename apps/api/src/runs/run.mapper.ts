import { architectureName } from '@gradlab/models';
import type { EpochDto, ExperimentConfig, LayerGradientDto, LayerKind, RunDto, RunKind } from '@gradlab/contracts';
import { isoOrNull, pickColumns } from '../common/pick-columns';
import { storedConfig } from '../common/stored-config';
import type { Epoch, LayerGradient, Run } from '../generated/prisma/client';
import type { Placement } from '../scheduling/run-placement.service';

// prettier-ignore
const RUN_COLUMNS = [
  'id', 'name', 'status', 'architecture', 'backend', 'device', 'workerId', 'workerHost',
  'epochsCompleted', 'bestValAccuracy', 'bestEpoch', 'testLoss', 'testAccuracy', 'error', 'groupId', 'pool',
] as const;

export function toRunDto(run: Run): RunDto {
  return {
    ...pickColumns(run, RUN_COLUMNS),
    kind: run.kind as RunKind,
    config: storedConfig(run),
    createdAt: run.createdAt.toISOString(),
    startedAt: isoOrNull(run.startedAt),
    finishedAt: isoOrNull(run.finishedAt),
    resources: {
      ...(run.requiredPool !== null ? { pool: run.requiredPool } : {}),
      ...(run.minSpeed !== null ? { minSpeed: run.minSpeed } : {}),
    },
  };
}

const EPOCH_COLUMNS = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'learningRate', 'durationMs'] as const;

export function toEpochDto(epoch: Epoch): EpochDto {
  return { epoch: epoch.index, ...pickColumns(epoch, EPOCH_COLUMNS) };
}

// prettier-ignore
const LAYER_COLUMNS = [
  'layerIndex', 'name', 'shortName', 'meanAbs', 'lastBatchMeanAbs', 'l2', 'maxAbs', 'nonFiniteCount', 'weightL2', 'updateRatio',
] as const;

export function toLayerGradientDto(row: LayerGradient): LayerGradientDto {
  return { ...pickColumns(row, LAYER_COLUMNS), kind: row.kind as LayerKind };
}

/** A new run's row: what every submission (a run, a group's member) stores, with where it may train. */
export function newRunData(
  principal: { teamId: string; userId: string },
  name: string,
  config: ExperimentConfig,
  placement: Placement,
) {
  return {
    ...placement,
    name,
    config: config as object,
    architecture: architectureName(config.model),
    blockType: config.model.blockType,
    blockId: typeof config.model.block === 'object' ? config.model.block.id : null,
    totalEpochs: config.training.epochs,
    teamId: principal.teamId,
    createdById: principal.userId,
  };
}
