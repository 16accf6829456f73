import { architectureName } from '@gradlab/models';
import type { EpochDto, ExperimentConfig, LayerGradientDto, LayerKind, RunDto, RunKind } from '@gradlab/contracts';
import type { Epoch, LayerGradient, Run } from '../generated/prisma/client';

export function toRunDto(run: Run): RunDto {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    kind: run.kind as RunKind,
    config: run.config as unknown as ExperimentConfig,
    architecture: run.architecture,
    backend: run.backend,
    workerId: run.workerId,
    workerHost: run.workerHost,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    epochsCompleted: run.epochsCompleted,
    bestValAccuracy: run.bestValAccuracy,
    bestEpoch: run.bestEpoch,
    testLoss: run.testLoss,
    testAccuracy: run.testAccuracy,
    error: run.error,
    groupId: run.groupId,
  };
}

export function toEpochDto(epoch: Epoch): EpochDto {
  return {
    epoch: epoch.index,
    trainLoss: epoch.trainLoss,
    trainAccuracy: epoch.trainAccuracy,
    valLoss: epoch.valLoss,
    valAccuracy: epoch.valAccuracy,
    learningRate: epoch.learningRate,
    durationMs: epoch.durationMs,
  };
}

export function toLayerGradientDto(row: LayerGradient): LayerGradientDto {
  return {
    layerIndex: row.layerIndex,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind as LayerKind,
    meanAbs: row.meanAbs,
    lastBatchMeanAbs: row.lastBatchMeanAbs,
    l2: row.l2,
    maxAbs: row.maxAbs,
    nonFiniteCount: row.nonFiniteCount,
    weightL2: row.weightL2,
    updateRatio: row.updateRatio,
  };
}

/** A new run's row: what every submission (a run, a group's member) stores. */
export function newRunData(principal: { teamId: string; userId: string }, name: string, config: ExperimentConfig) {
  return {
    name,
    config: config as object,
    architecture: architectureName(config.model),
    blockType: config.model.blockType,
    totalEpochs: config.training.epochs,
    teamId: principal.teamId,
    createdById: principal.userId,
  };
}
