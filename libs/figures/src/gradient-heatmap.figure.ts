import type { GradientFlowDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { GRADIENT_STATISTIC_LABELS, logValue, type GradientStatistic } from './gradient-statistic';
import { HEATMAP_SCHEME } from './palette';

export function gradientHeatmapCells(history: GradientFlowDto[], statistic: GradientStatistic) {
  return history.flatMap((flow) =>
    flow.layers.flatMap((layer) => {
      const value = logValue(layer, statistic);
      return value === null ? [] : [{ epoch: flow.epoch, layer: layer.shortName, layerIndex: layer.layerIndex, value }];
    }),
  );
}

/** Layer x epoch heatmap of mean |g| with a log colour scale: where and when gradients vanish. */
export function gradientHeatmapSpec(history: GradientFlowDto[], options: { statistic?: GradientStatistic; width?: number } = {}): TopLevelSpec {
  const statistic = options.statistic ?? 'meanAbs';
  const layerCount = history[0]?.layers.length ?? 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Mean absolute gradient per layer and epoch',
    width: options.width ?? 640,
    height: Math.max(120, Math.min(14 * layerCount, 560)),
    data: { values: gradientHeatmapCells(history, statistic) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', title: 'Epoch' },
      y: { field: 'layer', type: 'ordinal', title: 'Layer (network order)', sort: { field: 'layerIndex' } },
      color: {
        field: 'value',
        type: 'quantitative',
        title: GRADIENT_STATISTIC_LABELS[statistic],
        scale: { type: 'log', scheme: HEATMAP_SCHEME },
        legend: { format: '.0e' },
      },
      tooltip: [
        { field: 'layer', title: 'Layer' },
        { field: 'epoch', title: 'Epoch' },
        { field: 'value', title: 'mean |g|', format: '.3e' },
      ],
    },
  };
}
