// The few statistics the fidelity benches report: means with their spread, Welch's t for two independent
// samples, and the paired t for two arms run on the same seeds.
import { mean } from '@gradlab/analysis';

export const std = (xs: number[]) =>
  Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
export const pm = (xs: number[], digits = 3) => `${mean(xs).toFixed(digits)} ± ${std(xs).toFixed(digits)}`;

/** Two-sided 95% quantile of Student's t (a table to 30 degrees of freedom, then the normal's). */
export function t975(df: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
    2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  return df < 1 ? Infinity : df <= 30 ? table[Math.floor(df) - 1] : 1.96;
}

/**
 * Two-sided p-value of Student's t with `df` degrees of freedom: 1 - the integral of its density over
 * [-|t|, |t|], by Simpson's rule (plenty for a report's two digits).
 */
export function twoSidedP(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const density = (x: number) => Math.exp(logC - ((df + 1) / 2) * Math.log(1 + (x * x) / df));
  const n = 2000;
  const h = Math.abs(t) / n;
  let sum = density(0) + density(Math.abs(t));
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * density(i * h);
  return Math.max(0, 1 - 2 * ((sum * h) / 3));
}

/** Lanczos' approximation of log Γ(x), x > 0. */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

export interface Difference {
  difference: number;
  standardError: number;
  df: number;
  t: number;
  p: number;
  low: number;
  high: number;
}

function difference(value: number, standardError: number, df: number): Difference {
  const t = value / standardError;
  const half = t975(df) * standardError;
  return { difference: value, standardError, df, t, p: twoSidedP(t, df), low: value - half, high: value + half };
}

/** Welch's t for the difference of two means, its Welch-Satterthwaite degrees of freedom and 95% interval. */
export function welch(a: number[], b: number[]): Difference {
  const va = std(a) ** 2 / a.length;
  const vb = std(b) ** 2 / b.length;
  const df = (va + vb) ** 2 / (va ** 2 / Math.max(1, a.length - 1) + vb ** 2 / Math.max(1, b.length - 1));
  return difference(mean(a) - mean(b), Math.sqrt(va + vb), df);
}

/** The paired t of a - b, seed by seed (a[i] and b[i] share seed i): n - 1 degrees of freedom. */
export function paired(a: number[], b: number[]): Difference {
  const d = a.map((x, i) => x - b[i]);
  return difference(mean(d), std(d) / Math.sqrt(d.length), d.length - 1);
}
