import type { EpochDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { shortLabelExpression } from './labels';
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

/** Train solid, validation dashed, chance dotted: the same dash in the lines and in the one key. */
export const SPLIT_DASHES = { train: [1, 0], validation: [4, 2], chance: [1.5, 2] } as const;

/** The line-style key every Figure 1 shares: which line is train, validation and chance. */
export function lineStyleScale() {
  return {
    domain: ['train', 'validation', 'chance'],
    range: [[...SPLIT_DASHES.train], [...SPLIT_DASHES.validation], [...SPLIT_DASHES.chance]],
  };
}

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

/** Where Figure 1's keys go, and how their run names are shortened (see legendFor). */
export interface CurveLegend {
  orient: 'right' | 'bottom';
  /** Entries per row of a key below the plots. */
  columns?: number;
  /** Run names longer than this are shortened in the key (shortLabels). */
  labelMax?: number;
  /** The widest a shortened name is drawn, in points: Vega cuts one that the estimate got wrong. */
  labelLimitPt?: number;
  /** Keys with their titles (Run, Line); off for print, where the entries say enough. */
  titles?: boolean;
  /** Below the plots: the run key and the line-style key side by side (the latter then in one column). */
  sideBySide?: boolean;
}

/**
 * The coursework's Figure 1: loss and accuracy per epoch, train solid and validation dashed, one colour per
 * run (e.g. VGG_08 against VGG_38), with chance marked by a dotted rule so that a stuck network never looks
 * as if it learned on a zoomed axis. The line styles share one key (train, validation, chance); a single run
 * needs no run key. Epochs are numbered from 0, as the course framework numbers them.
 */
export function learningCurvesSpec(
  series: CurveSeries[],
  options: {
    width?: number;
    height?: number;
    columns?: 1 | 2;
    legend?: 'right' | 'bottom' | CurveLegend;
    yTitles?: { loss: string; accuracy: string };
  } = {},
): TopLevelSpec {
  const width = options.width ?? 320;
  const height = options.height ?? 220;
  const legend: CurveLegend =
    typeof options.legend === 'object' ? options.legend : { orient: options.legend ?? 'right', titles: true };
  const colours = runColours(series);
  const lastEpoch = Math.max(0, ...series.flatMap((s) => s.epochs.map((e) => e.epoch)));
  const showPoints = series.every((s) => s.epochs.length <= 30);
  const names = series.map((s) => s.label);
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
        scale: { domain: names, range: colours },
        legend: series.length > 1 ? runLegend(names, legend) : null,
      },
    };
    const tooltip = [
      { field: 'run', title: 'Run' },
      { field: 'split', title: 'Split' },
      { field: 'epoch', title: 'Epoch' },
      { field: 'value', title, format: metric === 'accuracy' ? '.1%' : '.4f' },
    ];
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
              scale: lineStyleScale(),
              legend: lineStyleLegend(legend),
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
        chanceRule(metric),
      ],
    };
  };
  const titles = options.yTitles ?? { loss: 'Loss', accuracy: 'Accuracy' };
  const panels = [panel('loss', titles.loss), panel('accuracy', titles.accuracy)];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Training and validation loss and accuracy per epoch',
    data: { values: learningCurvePoints(series) },
    ...(options.columns === 1 ? { vconcat: panels } : { hconcat: panels }),
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    ...(legend.orient === 'bottom' ? { config: { legend: keysBelow(legend.sideBySide) } } : {}),
  } as TopLevelSpec;
}

/** The dotted rule at chance, in the line-style key as "chance". */
export function chanceRule(metric: CurvePoint['metric']) {
  return {
    data: { values: [{ chance: CHANCE[metric] }] },
    mark: { type: 'rule' as const, color: '#6b6b6b', strokeWidth: 1.25 },
    encoding: {
      y: { field: 'chance', type: 'quantitative' as const },
      strokeDash: { datum: 'chance', type: 'nominal' as const, scale: lineStyleScale() },
    },
  };
}

/** The run key: a coloured line per run, names shortened to the key's room. */
export function runLegend(names: string[], legend: CurveLegend) {
  return {
    title: legend.titles === false ? null : 'Run',
    symbolType: 'stroke',
    symbolStrokeWidth: 3,
    ...(legend.orient === 'bottom' ? { direction: 'horizontal', columns: legend.columns ?? 1 } : {}),
    ...(legend.labelMax ? { labelExpr: shortLabelExpression(names, legend.labelMax) } : {}),
    ...(legend.labelLimitPt ? { labelLimit: legend.labelLimitPt } : {}),
  };
}

/** The line-style key (train, validation, chance), one row below the plots. */
export function lineStyleLegend(legend: CurveLegend) {
  return {
    title: legend.titles === false ? null : 'Line',
    symbolType: 'stroke',
    symbolStrokeWidth: 2,
    symbolSize: legend.orient === 'bottom' ? 120 : 400,
    symbolStrokeColor: '#333',
    ...(legend.orient === 'bottom' ? { direction: 'horizontal', columns: legend.sideBySide ? 1 : 3 } : {}),
  };
}

/** Keys below the plots, flush left, one under the other or side by side: the plots keep the whole width. */
export function keysBelow(sideBySide = false) {
  return {
    orient: 'bottom',
    layout: {
      bottom: { anchor: 'start', direction: sideBySide ? 'horizontal' : 'vertical', margin: sideBySide ? 14 : 4 },
    },
  };
}
