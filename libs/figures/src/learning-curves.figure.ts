import type { EpochDto } from '@gradlab/contracts';
import type { TopLevelSpec } from 'vega-lite';
import { RUN_PALETTE } from './palette';

export interface CurveSeries {
  label: string;
  epochs: EpochDto[];
}

interface CurvePoint {
  run: string;
  epoch: number;
  split: 'train' | 'validation';
  metric: 'loss' | 'accuracy';
  value: number;
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

/**
 * The coursework's Figure 1: loss and accuracy per epoch, train solid and validation dashed, one colour per
 * run (e.g. VGG_08 against VGG_38).
 */
export function learningCurvesSpec(series: CurveSeries[], options: { width?: number; height?: number } = {}): TopLevelSpec {
  const width = options.width ?? 320;
  const height = options.height ?? 220;
  const panel = (metric: CurvePoint['metric'], title: string) => ({
    width,
    height,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line' as const, point: series.every((s) => s.epochs.length <= 30) },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: 'Epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative' as const, title, scale: { zero: false } },
      color: { field: 'run', type: 'nominal' as const, title: 'Run', scale: { domain: series.map((s) => s.label), range: [...RUN_PALETTE] } },
      strokeDash: { field: 'split', type: 'nominal' as const, title: 'Split', scale: { domain: ['train', 'validation'], range: [[1, 0], [6, 3]] } },
      tooltip: [
        { field: 'run', title: 'Run' },
        { field: 'split', title: 'Split' },
        { field: 'epoch', title: 'Epoch' },
        { field: 'value', title, format: '.4f' },
      ],
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Training and validation loss and accuracy per epoch',
    data: { values: learningCurvePoints(series) },
    hconcat: [panel('loss', 'Loss'), panel('accuracy', 'Accuracy')],
  };
}
