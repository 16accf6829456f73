import type { EpochDto } from '@gradlab/contracts';

/** A metric with four decimals; `-` when there is none. */
export function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : x.toFixed(4);
}

/** `3 completed, 1 running`: a group's counts by status, leaving out the empty ones. */
export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

/** Epochs are numbered from 0, as the course framework numbers them (row N of its summary.csv); "1 of 3" counts. */
export function formatEpoch(
  e: Pick<EpochDto, 'epoch' | 'trainLoss' | 'trainAccuracy' | 'valLoss' | 'valAccuracy'>,
  total: number,
): string {
  return `epoch ${e.epoch} (${e.epoch + 1} of ${total})  train loss ${fmt(e.trainLoss)} acc ${fmt(e.trainAccuracy)}  val loss ${fmt(e.valLoss)} acc ${fmt(e.valAccuracy)}`;
}
