import type { GradientFlowDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import {
  GRADIENT_STATISTIC_LABELS,
  statisticText,
  statisticValue,
  zeroFloor,
  type GradientStatistic,
} from './gradient-statistic';
import { MANY_LAYERS } from './gradient-flow.figure';
import { labelExpression, layerAxis } from './layer-axis';
import { HEATMAP_SCHEME } from './palette';

export function gradientHeatmapCells(history: GradientFlowDto[], statistic: GradientStatistic) {
  const cells = history.flatMap((flow) =>
    flow.layers.flatMap((layer, position) => {
      const point = statisticValue(layer, statistic);
      return point
        ? [
            {
              epoch: flow.epoch,
              layer: layer.shortName,
              layerIndex: layer.layerIndex,
              position,
              ...point,
              text: statisticText(point),
            },
          ]
        : [];
    }),
  );
  // Exact zeros take the bottom of the colour scale, a decade below the smallest measured value.
  const floor = zeroFloor(cells.map((c) => c.value));
  return cells.map((c) => ({ ...c, plotted: c.zero ? floor : c.value }));
}

/**
 * Layer x epoch heatmap of a gradient statistic with a log colour scale: where and when gradients vanish. A
 * cell per layer and epoch; a deep network's layers are labelled by stage, with rules between stages.
 */
export function gradientHeatmapSpec(
  history: GradientFlowDto[],
  options: {
    statistic?: GradientStatistic;
    width?: number;
    height?: number;
    legend?: 'top' | 'bottom';
    colourTitle?: string | string[];
    gradientLength?: number;
  } = {},
): TopLevelSpec {
  const statistic = options.statistic ?? 'meanAbs';
  const label = GRADIENT_STATISTIC_LABELS[statistic];
  const deepest = history.reduce(
    (a, f) => (f.layers.length > a.length ? f.layers : a),
    [] as GradientFlowDto['layers'],
  );
  const layerCount = Math.max(1, deepest.length);
  const manyLayers = layerCount > MANY_LAYERS;
  const axis = layerAxis(deepest.map((l) => l.shortName));
  const epochs = history.map((f) => f.epoch);
  const [firstEpoch, lastEpoch] = [Math.min(0, ...epochs), Math.max(0, ...epochs)];
  const legend = options.legend ?? 'top';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${label} per layer and epoch`,
    width: options.width ?? 640,
    // A row of at least 9 px per layer, so 77 layers stay apart.
    height: options.height ?? Math.max(120, (manyLayers ? 9 : 14) * layerCount),
    data: { values: gradientHeatmapCells(history, statistic) },
    layer: [
      {
        mark: { type: 'rect', strokeWidth: 0 },
        transform: [
          { calculate: 'datum.epoch - 0.5', as: 'epochStart' },
          { calculate: 'datum.epoch + 0.5', as: 'epochEnd' },
          { calculate: 'datum.position - 0.5', as: 'top' },
          { calculate: 'datum.position + 0.5', as: 'bottom' },
        ],
        encoding: {
          x: {
            field: 'epochStart',
            type: 'quantitative',
            title: 'Epoch',
            scale: { domain: [firstEpoch - 0.5, lastEpoch + 0.5], nice: false, zero: false },
            axis: { tickMinStep: 1, format: 'd', grid: false, labelFlush: false },
          },
          x2: { field: 'epochEnd' },
          y: {
            field: 'top',
            type: 'quantitative',
            title: 'Layer (network order)',
            scale: { domain: [layerCount - 0.5, -0.5], nice: false, zero: false },
            axis: {
              values: axis.ticks,
              labelExpr: labelExpression(axis.labels),
              grid: false,
              labelOverlap: false,
              labelFlush: 12,
            },
          },
          y2: { field: 'bottom' },
          color: {
            field: 'plotted',
            type: 'quantitative',
            title: options.colourTitle ?? label,
            scale: { type: 'log', scheme: HEATMAP_SCHEME },
            legend: {
              format: '.0e',
              orient: legend,
              direction: 'horizontal',
              gradientLength: options.gradientLength ?? 240,
              gradientThickness: 8,
              titleLimit: 400,
              labelOverlap: true,
              ...(legend === 'bottom' ? { titleOrient: 'left', titleAnchor: 'middle', titleBaseline: 'top' } : {}),
            },
          },
          tooltip: [
            { field: 'layer', title: 'Layer' },
            { field: 'epoch', title: 'Epoch' },
            { field: 'text', title: label },
          ],
        },
      },
      ...(axis.boundaries.length
        ? [
            {
              data: { values: axis.boundaries.map((at) => ({ at })) },
              mark: { type: 'rule' as const, color: 'white', strokeWidth: 1 },
              encoding: { y: { field: 'at', type: 'quantitative' as const } },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}
