import type { LogStatDto, StatDto } from '@gradlab/contracts';

const finite = (values: readonly (number | null | undefined)[]) =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The middle value, or the mean of the two middle ones; NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function meanAndSampleStd(values: readonly number[]): { mean: number | null; std: number | null } {
  if (values.length === 0) return { mean: null, std: null };
  const average = mean(values);
  if (values.length < 2) return { mean: average, std: null };
  const squares = values.reduce((sum, v) => sum + (v - average) ** 2, 0);
  return { mean: average, std: Math.sqrt(squares / (values.length - 1)) };
}

/** Mean, sample std, min, max and n of the finite values; null and NaN (a diverged run) are left out of n. */
export function summarize(values: readonly (number | null | undefined)[]): StatDto {
  const kept = finite(values);
  const { mean, std } = meanAndSampleStd(kept);
  return {
    mean,
    std,
    min: kept.length ? Math.min(...kept) : null,
    max: kept.length ? Math.max(...kept) : null,
    n: kept.length,
  };
}

/**
 * The same in log10 space, for statistics that span decades (gradient magnitudes): the arithmetic mean of
 * 1e-2 and 1e-6 is 5e-3, which hides the second run entirely; their geometric mean 1e-4 does not.
 */
export function summarizeLog(values: readonly (number | null | undefined)[]): LogStatDto {
  const kept = finite(values);
  const positive = kept.filter((v) => v > 0);
  const { mean, std } = meanAndSampleStd(positive.map(Math.log10));
  return {
    geometricMean: mean === null ? null : 10 ** mean,
    log10Std: std,
    min: positive.length ? Math.min(...positive) : null,
    max: positive.length ? Math.max(...positive) : null,
    n: positive.length,
    zeros: kept.length - positive.length,
  };
}
