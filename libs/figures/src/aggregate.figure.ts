import type { AggregateDto, LogGradientStatistic } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { DECADE_AXIS } from './gradient-flow.figure';
import { GRADIENT_STATISTIC_LABELS } from './gradient-statistic';
import { layerAxis, layerPositionX } from './layer-axis';
import {
  chanceRule,
  keysBelow,
  lineStyleLegend,
  lineStyleScale,
  runLegend,
  type CurveLegend,
} from './learning-curves.figure';
import { runColours } from './palette';

export interface AggregateSeries {
  label: string;
  epochs: AggregateDto['epochs'];
  colour?: string;
}

interface BandPoint {
  series: string;
  epoch: number;
  split: 'train' | 'validation';
  metric: 'loss' | 'accuracy';
  mean: number;
  lower: number;
  upper: number;
  std: number | null;
  n: number;
}

/** Mean and mean +- std per epoch (the band collapses to the line where one run is left: std is null). */
export function aggregateCurvePoints(series: AggregateSeries[]): BandPoint[] {
  const points: BandPoint[] = [];
  for (const { label, epochs } of series) {
    for (const e of epochs) {
      const stats = [
        ['train', 'loss', e.trainLoss],
        ['validation', 'loss', e.valLoss],
        ['train', 'accuracy', e.trainAccuracy],
        ['validation', 'accuracy', e.valAccuracy],
      ] as const;
      for (const [split, metric, stat] of stats) {
        if (stat.mean === null) continue;
        const std = stat.std ?? 0;
        points.push({
          series: label,
          epoch: e.epoch,
          split,
          metric,
          mean: stat.mean,
          lower: stat.mean - std,
          upper: stat.mean + std,
          std: stat.std,
          n: stat.n,
        });
      }
    }
  }
  return points;
}

/**
 * Figure 1 over seeds: the mean of each group as a line (train solid, validation dashed) inside a band of
 * +- one sample standard deviation, with chance marked. The tooltip gives n, so an epoch that fewer runs
 * reached is plain.
 */
export function aggregateCurvesSpec(
  series: AggregateSeries[],
  options: {
    width?: number;
    height?: number;
    legend?: CurveLegend;
    yTitles?: { loss: string | string[]; accuracy: string | string[] };
  } = {},
): TopLevelSpec {
  const width = options.width ?? 320;
  const height = options.height ?? 220;
  const legend: CurveLegend = options.legend ?? { orient: 'right', titles: true };
  const colours = runColours(series);
  const names = series.map((s) => s.label);
  const lastEpoch = Math.max(1, ...series.flatMap((s) => s.epochs.map((e) => e.epoch)));
  const panel = (metric: BandPoint['metric'], title: string, axisTitle: string | string[] = title) => {
    const format = metric === 'accuracy' ? '.3~%' : '.3~f';
    const x = {
      field: 'epoch',
      type: 'quantitative' as const,
      title: 'Epoch',
      scale: { domain: [0, lastEpoch] },
      axis: { tickMinStep: 1, format: 'd' },
    };
    const color = {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain: names, range: colours },
      legend:
        series.length > 1
          ? { ...runLegend(names, legend), title: legend.titles === false ? null : 'Group (mean ± std)' }
          : null,
    };
    const only = { filter: { field: 'metric', equal: metric } };
    return {
      width,
      height,
      layer: [
        {
          transform: [only],
          mark: { type: 'area' as const, opacity: 0.18 },
          encoding: {
            x,
            y: {
              field: 'lower',
              type: 'quantitative' as const,
              title: axisTitle,
              scale: { zero: false },
              axis: { format },
            },
            y2: { field: 'upper' },
            color,
            detail: { field: 'split' },
          },
        },
        {
          transform: [only],
          mark: { type: 'line' as const, strokeWidth: 1.75 },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative' as const },
            color,
            strokeDash: {
              field: 'split',
              type: 'nominal' as const,
              scale: lineStyleScale(),
              legend: lineStyleLegend(legend),
            },
            tooltip: [
              { field: 'series', title: 'Group' },
              { field: 'split', title: 'Split' },
              { field: 'epoch', title: 'Epoch' },
              { field: 'mean', title: `mean ${title.toLowerCase()}`, format: metric === 'accuracy' ? '.2%' : '.4f' },
              { field: 'std', title: 'std', format: metric === 'accuracy' ? '.2%' : '.4f' },
              { field: 'n', title: 'runs' },
            ],
          },
        },
        chanceRule(metric),
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Mean and standard deviation over seeds of loss and accuracy per epoch',
    data: { values: aggregateCurvePoints(series) },
    hconcat: [panel('loss', 'Loss', options.yTitles?.loss), panel('accuracy', 'Accuracy', options.yTitles?.accuracy)],
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    ...(legend.orient === 'bottom' ? { config: { legend: keysBelow() } } : {}),
  } as TopLevelSpec;
}

/**
 * Gradient flow over seeds at one epoch: the geometric mean per layer on a log axis, in a band of x/÷ 10^std
 * (the std of log10 across seeds), as the statistics were aggregated in log space.
 */
export function aggregateGradientFlowSpec(
  layers: AggregateDto['gradientFlow'][number]['layers'],
  options: { statistic?: LogGradientStatistic; width?: number; height?: number; yTitle?: string } = {},
): TopLevelSpec {
  const statistic = options.statistic ?? 'lastBatchMeanAbs';
  const label = GRADIENT_STATISTIC_LABELS[statistic as keyof typeof GRADIENT_STATISTIC_LABELS] ?? statistic;
  const axis = layerAxis(layers.map((l) => l.shortName));
  const values = layers
    .map((l, position) => ({ l, position }))
    .filter(({ l }) => l[statistic].geometricMean !== null)
    .map(({ l, position }) => {
      const s = l[statistic];
      const spread = 10 ** (s.log10Std ?? 0);
      return {
        layer: l.shortName,
        layerIndex: l.layerIndex,
        position,
        mean: s.geometricMean as number,
        lower: (s.geometricMean as number) / spread,
        upper: (s.geometricMean as number) * spread,
        n: s.n,
        zeros: s.zeros,
      };
    });
  const x = layerPositionX(layers.length, axis);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Gradient flow over seeds: geometric mean of ${label} per layer, band x/÷ one log10 std`,
    width: options.width ?? 640,
    height: options.height ?? 260,
    data: { values },
    layer: [
      ...(axis.boundaries.length
        ? [
            {
              data: { values: axis.boundaries.map((at) => ({ at })) },
              mark: { type: 'rule' as const, color: '#9a9a9a', strokeWidth: 0.75, strokeDash: [3, 2] },
              encoding: { x: { field: 'at', type: 'quantitative' as const } },
            },
          ]
        : []),
      {
        mark: { type: 'area', opacity: 0.2, color: '#1f77b4' },
        encoding: {
          x,
          y: {
            field: 'lower',
            type: 'quantitative',
            scale: { type: 'log' },
            title: options.yTitle ?? `${label} (geometric mean over seeds, log scale)`,
            axis: DECADE_AXIS,
          },
          y2: { field: 'upper' },
        },
      },
      {
        mark: { type: 'line', point: { filled: true, size: 30 }, color: '#1f77b4' },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative' },
          tooltip: [
            { field: 'layer', title: 'Layer' },
            { field: 'mean', title: 'geometric mean', format: '.2e' },
            { field: 'lower', title: 'mean ÷ 10^std', format: '.2e' },
            { field: 'upper', title: 'mean × 10^std', format: '.2e' },
            { field: 'n', title: 'runs' },
            { field: 'zeros', title: 'runs at exactly 0' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
