/** Display helpers shared by the pages. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** In the reader's locale and time zone: call it in the browser only (LocalTime does). */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** "41.2% ± 1.3 (n=3)": a mean over seeds, its std in percentage points, and how many runs. */
export function formatMeanStd(stat: { mean: number | null; std: number | null; n: number }): string {
  return stat.mean === null
    ? '–'
    : `${formatPercent(stat.mean)}${stat.std === null ? '' : ` ± ${(100 * stat.std).toFixed(1)}`} (n=${stat.n})`;
}

export function formatNumber(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}

/** A run's duration: until it finished, or until now while it runs (unknown before the clock is). */
export function runDuration(
  run: { startedAt: string | null; finishedAt: string | null },
  now: number | null,
): number | null {
  if (!run.startedAt) return null;
  if (run.finishedAt) return Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return now === null ? null : now - Date.parse(run.startedAt);
}
