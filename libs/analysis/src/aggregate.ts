import { EPOCH_METRICS, LOG_GRADIENT_STATISTICS, type AggregateDto, type AggregateLayerDto, type EpochDto, type LogGradientStatistic } from '@gradlab/contracts';
import { summarize, summarizeLog } from './statistics';

export interface RunForAggregate {
  id: string;
  epochs: readonly EpochDto[];
  testAccuracy: number | null;
  testLoss: number | null;
  bestValAccuracy: number | null;
}

/** One (epoch, layer) of gradient statistics with every run's value side by side (any order, nulls kept). */
export interface LayerValues {
  epoch: number;
  layerIndex: number;
  name: string;
  shortName: string;
  kind: string;
  values: Record<LogGradientStatistic | 'weightL2' | 'nonFiniteCount', readonly (number | null)[]>;
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
    .map(([epoch, rows]) => ({ epoch, n: rows.length, ...Object.fromEntries(EPOCH_METRICS.map((metric) => [metric, summarize(rows.map((row) => row[metric]))])) }) as AggregateDto['epochs'][number]);
}

export function aggregateTest(runs: readonly RunForAggregate[]): AggregateDto['test'] {
  return {
    testAccuracy: summarize(runs.map((r) => r.testAccuracy)),
    testLoss: summarize(runs.map((r) => r.testLoss)),
    bestValAccuracy: summarize(runs.map((r) => r.bestValAccuracy)),
  };
}

export function aggregateLayer(layer: LayerValues): AggregateLayerDto {
  return {
    layerIndex: layer.layerIndex,
    name: layer.name,
    shortName: layer.shortName,
    kind: layer.kind,
    n: layer.values.meanAbs.length,
    ...(Object.fromEntries(LOG_GRADIENT_STATISTICS.map((s) => [s, summarizeLog(layer.values[s])])) as Record<LogGradientStatistic, ReturnType<typeof summarizeLog>>),
    weightL2: summarize(layer.values.weightL2),
    nonFiniteCount: summarize(layer.values.nonFiniteCount),
  };
}

/** Layers grouped by epoch, in epoch and then network order. */
export function aggregateGradientFlow(layers: readonly LayerValues[]): AggregateDto['gradientFlow'] {
  const byEpoch = new Map<number, AggregateLayerDto[]>();
  for (const layer of layers) {
    const rows = byEpoch.get(layer.epoch) ?? [];
    rows.push(aggregateLayer(layer));
    byEpoch.set(layer.epoch, rows);
  }
  return [...byEpoch.entries()].sort(([a], [b]) => a - b).map(([epoch, rows]) => ({ epoch, layers: rows.sort((a, b) => a.layerIndex - b.layerIndex) }));
}

export function aggregateRuns(runs: readonly RunForAggregate[], layers: readonly LayerValues[]): AggregateDto {
  return { runs: runs.map((r) => r.id), epochs: aggregateEpochs(runs), test: aggregateTest(runs), gradientFlow: aggregateGradientFlow(layers), logScale: [...LOG_GRADIENT_STATISTICS] };
}
