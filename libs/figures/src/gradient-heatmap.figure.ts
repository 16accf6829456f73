import type { GradientFlowDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { GRADIENT_STATISTIC_LABELS, statisticText, statisticValue, zeroFloor, type GradientStatistic } from './gradient-statistic';
import { MANY_LAYERS } from './gradient-flow.figure';
import { HEATMAP_SCHEME } from './palette';

export function gradientHeatmapCells(history: GradientFlowDto[], statistic: GradientStatistic) {
  const cells = history.flatMap((flow) =>
    flow.layers.flatMap((layer) => {
      const point = statisticValue(layer, statistic);
      return point ? [{ epoch: flow.epoch, layer: layer.shortName, layerIndex: layer.layerIndex, ...point, text: statisticText(point) }] : [];
    }),
  );
  // Exact zeros take the bottom of the colour scale, a decade below the smallest measured value.
  const floor = zeroFloor(cells.map((c) => c.value));
  return cells.map((c) => ({ ...c, plotted: c.zero ? floor : c.value }));
}

/** Layer x epoch heatmap of a gradient statistic with a log colour scale: where and when gradients vanish. */
export function gradientHeatmapSpec(history: GradientFlowDto[], options: { statistic?: GradientStatistic; width?: number } = {}): TopLevelSpec {
  const statistic = options.statistic ?? 'meanAbs';
  const label = GRADIENT_STATISTIC_LABELS[statistic];
  const layerCount = Math.max(1, ...history.map((f) => f.layers.length));
  const manyLayers = layerCount > MANY_LAYERS;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${label} per layer and epoch`,
    width: options.width ?? 640,
    // A row of at least 9 px per layer, so 77 layers stay apart.
    height: Math.max(120, (manyLayers ? 9 : 14) * layerCount),
    data: { values: gradientHeatmapCells(history, statistic) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', title: 'Epoch', axis: { labelOverlap: 'greedy', labelAngle: 0 } },
      y: {
        field: 'layer',
        type: 'ordinal',
        title: 'Layer (network order)',
        sort: { field: 'layerIndex' },
        axis: { labelFontSize: manyLayers ? 8 : 10, labelOverlap: 'greedy', labelLimit: 140 },
      },
      color: {
        field: 'plotted',
        type: 'quantitative',
        title: label,
        scale: { type: 'log', scheme: HEATMAP_SCHEME },
        legend: { format: '.0e', orient: 'top', direction: 'horizontal', gradientLength: 240, titleLimit: 400 },
      },
      tooltip: [
        { field: 'layer', title: 'Layer' },
        { field: 'epoch', title: 'Epoch' },
        { field: 'text', title: label },
      ],
    },
  };
}
