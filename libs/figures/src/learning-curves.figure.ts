import type { EpochDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { runColours } from './palette';

export interface CurveSeries {
  label: string;
  epochs: EpochDto[];
  /** The run's colour; by default the palette's, in series order. */
  colour?: string;
}

interface CurvePoint {
  run: string;
  epoch: number;
  split: 'train' | 'validation';
  metric: 'loss' | 'accuracy';
  value: number;
}

/** CIFAR-100 has 100 classes: a network that guesses scores a loss of ln(100) and an accuracy of 1%. */
export const CHANCE = { loss: Math.log(100), accuracy: 0.01 } as const;

/** Train solid, validation dashed: the same dash in the lines and in the legend. */
export const SPLIT_DASHES = { train: [1, 0], validation: [6, 3] } as const;

export function learningCurvePoints(series: CurveSeries[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const { label, epochs } of series) {
    for (const e of epochs) {
      const values: [CurvePoint['split'], CurvePoint['metric'], number | null][] = [
        ['train', 'loss', e.trainLoss],
        ['validation', 'loss', e.valLoss],
        ['train', 'accuracy', e.trainAccuracy],
        ['validation', 'accuracy', e.valAccuracy],
      ];
      for (const [split, metric, value] of values) {
        if (value !== null && Number.isFinite(value)) points.push({ run: label, epoch: e.epoch, split, metric, value });
      }
    }
  }
  return points;
}

/**
 * The coursework's Figure 1: loss and accuracy per epoch, train solid and validation dashed, one colour per
 * run (e.g. VGG_08 against VGG_38), with chance marked by a dotted rule so that a stuck network never looks
 * as if it learned on a zoomed axis. Epochs are numbered from 0, as the course framework numbers them.
 */
export function learningCurvesSpec(
  series: CurveSeries[],
  options: { width?: number; height?: number; columns?: 1 | 2; legend?: 'right' | 'bottom' } = {},
): TopLevelSpec {
  const width = options.width ?? 320;
  const height = options.height ?? 220;
  const colours = runColours(series);
  const lastEpoch = Math.max(0, ...series.flatMap((s) => s.epochs.map((e) => e.epoch)));
  const showPoints = series.every((s) => s.epochs.length <= 30);
  const panel = (metric: CurvePoint['metric'], title: string) => {
    // '~' trims trailing zeros: 1%, 1.5%, 2% on a narrow range, never 1%, 1%, 2%.
    const format = metric === 'accuracy' ? '.3~%' : '.3~f';
    const encoding = {
      // Whole epochs only: one tick per epoch, at most about ten.
      x: {
        field: 'epoch',
        type: 'quantitative' as const,
        title: 'Epoch',
        scale: { domain: [0, Math.max(1, lastEpoch)] },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: { field: 'value', type: 'quantitative' as const, title, scale: { zero: false }, axis: { format } },
      color: {
        field: 'run',
        type: 'nominal' as const,
        title: 'Run',
        scale: { domain: series.map((s) => s.label), range: colours },
        legend: { symbolType: 'stroke', symbolStrokeWidth: 3 },
      },
    };
    const tooltip = [
      { field: 'run', title: 'Run' },
      { field: 'split', title: 'Split' },
      { field: 'epoch', title: 'Epoch' },
      { field: 'value', title, format: metric === 'accuracy' ? '.1%' : '.4f' },
    ];
    const chance = CHANCE[metric];
    return {
      width,
      height,
      layer: [
        {
          transform: [{ filter: { field: 'metric', equal: metric } }],
          mark: { type: 'line' as const, strokeWidth: 1.75 },
          encoding: {
            ...encoding,
            strokeDash: {
              field: 'split',
              type: 'nominal' as const,
              title: 'Split',
              scale: { domain: ['train', 'validation'], range: [[...SPLIT_DASHES.train], [...SPLIT_DASHES.validation]] },
              legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, symbolStrokeColor: '#333' },
            },
          },
        },
        ...(showPoints
          ? [
              {
                transform: [{ filter: { field: 'metric', equal: metric } }],
                mark: { type: 'point' as const, filled: true, size: 28 },
                encoding: { ...encoding, tooltip },
              },
            ]
          : []),
        {
          data: { values: [{ chance, label: metric === 'loss' ? 'chance (ln 100)' : 'chance (1%)' }] },
          layer: [
            {
              mark: { type: 'rule' as const, strokeDash: [2, 3], color: '#6b6b6b', strokeWidth: 1.25 },
              encoding: { y: { field: 'chance', type: 'quantitative' as const } },
            },
            {
              mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dy: -2, color: '#6b6b6b' },
              encoding: { y: { field: 'chance', type: 'quantitative' as const }, x: { value: width - 2 }, text: { field: 'label' } },
            },
          ],
        },
      ],
    };
  };
  const panels = [panel('loss', 'Loss'), panel('accuracy', 'Accuracy')];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Training and validation loss and accuracy per epoch',
    data: { values: learningCurvePoints(series) },
    ...(options.columns === 1 ? { vconcat: panels } : { hconcat: panels }),
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    // Below the panels, the run and split legends stack, so that they take no more width than the panels.
    ...(options.legend === 'bottom'
      ? { config: { legend: { orient: 'bottom', direction: 'vertical', layout: { bottom: { anchor: 'start', direction: 'vertical' } } } } }
      : {}),
  } as TopLevelSpec;
}
