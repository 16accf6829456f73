import { EPOCH_METRICS, type AggregateDto, type EpochDto } from '@gradlab/contracts';
import { summarize } from './statistics';

/**
 * Epoch metrics and final test metrics across runs. (The per-layer gradient statistics are aggregated by
 * Postgres with the same definitions as summarize and summarizeLog: see the api's AggregatesService.)
 */
export interface RunForAggregate {
  id: string;
  epochs: readonly EpochDto[];
  testAccuracy: number | null;
  testLoss: number | null;
  bestValAccuracy: number | null;
}

/**
 * Per epoch index, the runs' metrics side by side. Runs are aligned by epoch index; a run that stopped early
 * simply is not in the later epochs, and `n` says how many are.
 */
export function aggregateEpochs(runs: readonly RunForAggregate[]): AggregateDto['epochs'] {
  const byEpoch = new Map<number, EpochDto[]>();
  for (const run of runs) {
    for (const epoch of run.epochs) {
      const rows = byEpoch.get(epoch.epoch) ?? [];
      rows.push(epoch);
      byEpoch.set(epoch.epoch, rows);
    }
  }
  return [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(
      ([epoch, rows]) =>
        ({
          epoch,
          n: rows.length,
          ...Object.fromEntries(EPOCH_METRICS.map((metric) => [metric, summarize(rows.map((row) => row[metric]))])),
        }) as AggregateDto['epochs'][number],
    );
}

export function aggregateTest(runs: readonly RunForAggregate[]): AggregateDto['test'] {
  return {
    testAccuracy: summarize(runs.map((r) => r.testAccuracy)),
    testLoss: summarize(runs.map((r) => r.testLoss)),
    bestValAccuracy: summarize(runs.map((r) => r.bestValAccuracy)),
  };
}
