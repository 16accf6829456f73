import type { EpochDto } from '@gradlab/contracts';

export interface BatchProgress {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Time since the epoch began (workers before it was added do not send it). */
  epochElapsedMs?: number;
  /** Before the first epoch: what the worker prepares (downloading CIFAR-100) and how far. */
  preparing?: { what: string; fraction: number | null };
}

/** How far into the epoch now training the run is, 0..1; 0 when no batch of it was reported. */
export function epochFraction(progress: BatchProgress | null, epochsCompleted: number): number {
  if (!progress || progress.epoch !== epochsCompleted || progress.batchesPerEpoch <= 0) return 0;
  return Math.min(1, progress.batch / progress.batchesPerEpoch);
}

/**
 * Time left: the mean duration of the finished epochs times the epochs still to train, less the part of the
 * current one already done. Within the first epoch, the epoch's duration is extrapolated from its batches
 * so far (validation is not in it yet, so this is a little short). Null until either is known.
 */
export function estimateTimeLeftMs(
  epochs: EpochDto[],
  totalEpochs: number,
  progress: BatchProgress | null,
): number | null {
  const fraction = epochFraction(progress, epochs.length);
  let epochMs: number;
  if (epochs.length > 0) epochMs = epochs.reduce((sum, e) => sum + e.durationMs, 0) / epochs.length;
  else if (progress?.epochElapsedMs !== undefined && fraction > 0) epochMs = progress.epochElapsedMs / fraction;
  else return null;
  return epochMs * Math.max(0, totalEpochs - epochs.length - fraction);
}

/** A run as it stands once `epoch` is in: what a live `epoch.completed` event changes in a RunDto. */
export function withEpoch<R extends { epochsCompleted: number; bestValAccuracy: number | null }>(
  run: R,
  epoch: Pick<EpochDto, 'epoch' | 'valAccuracy'>,
): R {
  return {
    ...run,
    epochsCompleted: Math.max(run.epochsCompleted, epoch.epoch + 1),
    bestValAccuracy: Math.max(run.bestValAccuracy ?? 0, epoch.valAccuracy),
  };
}
