import type { LayerGradientDto } from '@gradlab/contracts';

/** Which per-layer statistic a gradient-flow figure shows. */
export type GradientStatistic = 'lastBatchMeanAbs' | 'meanAbs' | 'updateRatio';

export const GRADIENT_STATISTIC_LABELS: Record<GradientStatistic, string> = {
  lastBatchMeanAbs: 'mean |g|, last batch (as plot_grad_flow)',
  meanAbs: 'mean |g|, over the epoch',
  updateRatio: 'update / weight (L2), last step',
};

/** A value as a log axis shows it: zero is kept (a layer that has stopped entirely), marked as such. */
export interface LogPlacedValue {
  /** The stored value; 0 for an exact zero. */
  value: number;
  zero: boolean;
}

/** The layer's statistic, or null when it was not measured or is not finite (nothing to place). */
export function statisticValue(layer: LayerGradientDto, statistic: GradientStatistic): LogPlacedValue | null {
  const value = layer[statistic];
  if (value === null || !Number.isFinite(value) || value < 0) return null;
  return { value, zero: value === 0 };
}

/**
 * Where exact zeros sit on a log axis: a decade below the smallest value that is not zero, so they are at
 * the bottom of the axis and never taken for a small gradient.
 */
export function zeroFloor(values: number[]): number {
  const positive = values.filter((v) => v > 0);
  const smallest = positive.length ? Math.min(...positive) : 1e-8;
  return 10 ** (Math.floor(Math.log10(smallest)) - 1);
}

/** A value for a tooltip: exact zeros said in words. */
export function statisticText(point: LogPlacedValue): string {
  return point.zero ? '0 (exactly)' : point.value.toExponential(3);
}
