import type { LayerGradientDto } from '@gradlab/contracts';

/** Which per-layer statistic a gradient-flow figure shows. */
export type GradientStatistic = 'lastBatchMeanAbs' | 'meanAbs' | 'updateRatio';

export const GRADIENT_STATISTIC_LABELS: Record<GradientStatistic, string> = {
  lastBatchMeanAbs: 'mean |g|, last batch (as plot_grad_flow)',
  meanAbs: 'mean |g|, over the epoch',
  updateRatio: 'update / weight (L2), last step',
};

/** A value a log axis can show: zero, missing or non-finite values have no place on it. */
export function logValue(layer: LayerGradientDto, statistic: GradientStatistic): number | null {
  const value = layer[statistic];
  return value !== null && Number.isFinite(value) && value > 0 ? value : null;
}
