/** `--name value` from the command line, as a number. */
export function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

/** Median and 95th percentile of the times, in ms, as the benchmarks print them. */
export function medianAndP95(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  return `median ${at(0.5).padStart(7)} ms   p95 ${at(0.95).padStart(7)} ms`;
}

/** Runs `work` once to warm up (query plans, JIT), then `repeat` times, timing each. */
export async function time(repeat: number, work: () => Promise<unknown>): Promise<string> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return medianAndP95(times);
}
