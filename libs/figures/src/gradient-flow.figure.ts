import type { LayerGradientDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { GRADIENT_STATISTIC_LABELS, logValue, type GradientStatistic } from './gradient-statistic';
import { RUN_PALETTE } from './palette';

/** A log axis labelled at powers of ten only: the in-between ticks crowd it. */
export const DECADE_AXIS = {
  format: '.0e',
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? datum.label : ''",
  gridOpacity: 0.5,
};

export interface FlowSeries {
  label: string;
  layers: LayerGradientDto[];
}

interface FlowPoint {
  run: string;
  layer: string;
  layerIndex: number;
  relativeDepth: number;
  value: number;
}

export function gradientFlowPoints(series: FlowSeries[], statistic: GradientStatistic): FlowPoint[] {
  const points: FlowPoint[] = [];
  for (const { label, layers } of series) {
    const last = Math.max(1, layers.length - 1);
    layers.forEach((layer, position) => {
      const value = logValue(layer, statistic);
      if (value !== null) points.push({ run: label, layer: layer.shortName, layerIndex: layer.layerIndex, relativeDepth: position / last, value });
    });
  }
  return points;
}

/**
 * Mean |g| per weight layer in network order on a log axis, one point per layer (the framework's
 * plot_grad_flow). With several runs of different depths, the x axis is the relative depth instead, so a
 * VGG_08 and a VGG_38 share one axis.
 */
export function gradientFlowSpec(
  series: FlowSeries[],
  options: { statistic?: GradientStatistic; byRelativeDepth?: boolean; width?: number; height?: number } = {},
): TopLevelSpec {
  const statistic = options.statistic ?? 'lastBatchMeanAbs';
  const byRelativeDepth = options.byRelativeDepth ?? series.length > 1;
  const yTitle = `${GRADIENT_STATISTIC_LABELS[statistic]} (log scale)`;
  const x = byRelativeDepth
    ? { field: 'relativeDepth', type: 'quantitative' as const, title: 'Relative depth (0 = first layer, 1 = classifier)', scale: { domain: [0, 1] }, axis: { values: [0, 0.25, 0.5, 0.75, 1] } }
    : { field: 'layer', type: 'ordinal' as const, title: 'Layer (network order)', sort: { field: 'layerIndex' }, axis: { labelAngle: -60 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Gradient flow: mean absolute gradient per weight layer',
    width: options.width ?? 640,
    height: options.height ?? 260,
    data: { values: gradientFlowPoints(series, statistic) },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { type: 'log' }, axis: DECADE_AXIS },
      color: { field: 'run', type: 'nominal', title: 'Run', scale: { domain: series.map((s) => s.label), range: [...RUN_PALETTE] }, legend: series.length > 1 ? {} : null },
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 } },
      {
        mark: { type: 'point', filled: true, size: 40 },
        encoding: {
          tooltip: [
            { field: 'run', title: 'Run' },
            { field: 'layer', title: 'Layer' },
            { field: 'value', title: 'mean |g|', format: '.3e' },
          ],
        },
      },
    ],
  };
}
