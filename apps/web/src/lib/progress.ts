import type { EpochDto } from '@gradlab/contracts';

export interface BatchProgress {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
}

/** How far into the epoch now training the run is, 0..1; 0 when no batch of it was reported. */
export function epochFraction(progress: BatchProgress | null, epochsCompleted: number): number {
  if (!progress || progress.epoch !== epochsCompleted || progress.batchesPerEpoch <= 0) return 0;
  return Math.min(1, progress.batch / progress.batchesPerEpoch);
}

/**
 * Time left: the mean duration of the finished epochs times the epochs still to train, less the part of the
 * current one already done. Null until an epoch has finished.
 */
export function estimateTimeLeftMs(epochs: EpochDto[], totalEpochs: number, progress: BatchProgress | null): number | null {
  if (epochs.length === 0) return null;
  const mean = epochs.reduce((sum, e) => sum + e.durationMs, 0) / epochs.length;
  const remaining = Math.max(0, totalEpochs - epochs.length - epochFraction(progress, epochs.length));
  return mean * remaining;
}

/** A run as it stands once `epoch` is in: what a live `epoch.completed` event changes in a RunDto. */
export function withEpoch<R extends { epochsCompleted: number; bestValAccuracy: number | null }>(run: R, epoch: Pick<EpochDto, 'epoch' | 'valAccuracy'>): R {
  return { ...run, epochsCompleted: Math.max(run.epochsCompleted, epoch.epoch + 1), bestValAccuracy: Math.max(run.bestValAccuracy ?? 0, epoch.valAccuracy) };
}
