import type { LayerGradientDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import {
  GRADIENT_STATISTIC_LABELS,
  statisticText,
  statisticValue,
  zeroFloor,
  type GradientStatistic,
} from './gradient-statistic';
import { layerAxis, layerPositionX } from './layer-axis';
import { keysBelow, runLegend, type CurveLegend } from './learning-curves.figure';
import { runColours } from './palette';

/** A log axis labelled at powers of ten only: the in-between ticks crowd it. */
export const DECADE_AXIS = {
  format: '.0e',
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? datum.label : ''",
  gridOpacity: 0.5,
};

/** Past this many layers, marks are drawn smaller. */
export const MANY_LAYERS = 30;

export interface FlowSeries {
  label: string;
  layers: LayerGradientDto[];
  /** The run's colour; by default the palette's, in series order. */
  colour?: string;
}

export interface FlowPoint {
  run: string;
  layer: string;
  layerIndex: number;
  /** 0, 1, ... in network order: where the layer sits on a per-layer axis. */
  position: number;
  relativeDepth: number;
  /** The stored value (0 for an exact zero). */
  value: number;
  /** Where it is drawn: the value itself, or the bottom of the axis for an exact zero. */
  plotted: number;
  zero: boolean;
  /** The value as the tooltip says it. */
  text: string;
}

export function gradientFlowPoints(series: FlowSeries[], statistic: GradientStatistic): FlowPoint[] {
  const placed = series.map(({ label, layers }) => ({
    label,
    layers: layers.map((layer, position) => ({ layer, position, point: statisticValue(layer, statistic) })),
  }));
  const floor = zeroFloor(placed.flatMap((s) => s.layers.map((l) => l.point?.value ?? 0)));
  const points: FlowPoint[] = [];
  for (const { label, layers } of placed) {
    const last = Math.max(1, layers.length - 1);
    for (const { layer, position, point } of layers) {
      if (!point) continue;
      points.push({
        run: label,
        layer: layer.shortName,
        layerIndex: layer.layerIndex,
        position,
        relativeDepth: position / last,
        value: point.value,
        plotted: point.zero ? floor : point.value,
        zero: point.zero,
        text: statisticText(point),
      });
    }
  }
  return points;
}

/**
 * Mean |g| per weight layer in network order on a log axis, one point per layer (the framework's
 * plot_grad_flow). With several runs of different depths, the x axis is the relative depth instead, so a
 * VGG_08 and a VGG_38 share one axis. A layer whose statistic is exactly 0 is drawn at the bottom of the
 * axis as an open triangle, not dropped. A deep network's per-layer axis is labelled by stage, the boundaries
 * between stages drawn as rules (layerAxis).
 */
export function gradientFlowSpec(
  series: FlowSeries[],
  options: {
    statistic?: GradientStatistic;
    byRelativeDepth?: boolean;
    width?: number;
    height?: number;
    legend?: CurveLegend;
    yTitle?: string;
    /** The relative-depth axis's title; given, its ends are labelled first layer and classifier. */
    xTitle?: string;
  } = {},
): TopLevelSpec {
  const statistic = options.statistic ?? 'lastBatchMeanAbs';
  const label = GRADIENT_STATISTIC_LABELS[statistic];
  const byRelativeDepth = options.byRelativeDepth ?? series.length > 1;
  const points = gradientFlowPoints(series, statistic);
  const manyLayers = Math.max(0, ...series.map((s) => s.layers.length)) > MANY_LAYERS;
  const deepest = series.reduce((a, b) => (b.layers.length > a.length ? b.layers : a), [] as LayerGradientDto[]);
  const axis = layerAxis(deepest.map((l) => l.shortName));
  const x = byRelativeDepth
    ? {
        field: 'relativeDepth',
        type: 'quantitative' as const,
        title: options.xTitle ?? 'Relative depth (0 = first layer, 1 = classifier)',
        scale: { domain: [0, 1] },
        axis: options.xTitle
          ? {
              values: [0, 0.5, 1],
              labelExpr: "datum.value == 0 ? 'first layer' : datum.value == 1 ? 'classifier' : datum.label",
              labelFlush: true,
            }
          : { values: [0, 0.25, 0.5, 0.75, 1], format: '.2~f' },
      }
    : layerPositionX(deepest.length, axis);
  const tooltip = [
    { field: 'run', title: 'Run' },
    { field: 'layer', title: 'Layer' },
    { field: 'text', title: label },
  ];
  const names = series.map((s) => s.label);
  const legend: CurveLegend = options.legend ?? { orient: 'right', titles: true };
  const colour = {
    field: 'run',
    type: 'nominal' as const,
    scale: { domain: names, range: runColours(series) },
    legend: series.length > 1 ? runLegend(names, legend) : null,
  };
  const hasZeros = points.some((p) => p.zero);
  const boundaries = byRelativeDepth ? [] : axis.boundaries;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Gradient flow: ${label} per weight layer`,
    width: options.width ?? 640,
    height: options.height ?? 260,
    // The points at the top: the CSV and TeX exports read them there.
    data: { values: points },
    layer: [
      ...(boundaries.length
        ? [
            {
              data: { values: boundaries.map((at) => ({ at })) },
              mark: { type: 'rule' as const, color: '#9a9a9a', strokeWidth: 0.75, strokeDash: [3, 2] },
              encoding: { x: { field: 'at', type: 'quantitative' as const } },
            },
          ]
        : []),
      {
        encoding: {
          x,
          y: {
            field: 'plotted',
            type: 'quantitative',
            title: options.yTitle
              ? `${options.yTitle}${hasZeros ? '\n▽ = exactly 0' : ''}`
              : `${label} (log scale${hasZeros ? '; ▽ = exactly 0' : ''})`,
            scale: { type: 'log' },
            axis: DECADE_AXIS,
          },
          color: colour,
        },
        layer: [
          { transform: [{ filter: '!datum.zero' }], mark: { type: 'line', strokeWidth: 1.5 } },
          {
            transform: [{ filter: '!datum.zero' }],
            mark: { type: 'point', filled: true, size: manyLayers ? 18 : 36 },
            encoding: { tooltip },
          },
          {
            transform: [{ filter: 'datum.zero' }],
            mark: { type: 'point', shape: 'triangle-down', filled: false, strokeWidth: 1.5, size: 60 },
            encoding: { tooltip },
          },
        ],
      },
    ],
    ...(legend.orient === 'bottom' ? { config: { legend: keysBelow() } } : {}),
  } as TopLevelSpec;
}
