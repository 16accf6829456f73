import type { AggregateDto, StatDto } from '@gradlab/contracts';
import { aggregateCurvePoints, aggregateCurvesSpec, aggregateGradientFlowSpec } from './aggregate.figure';
import { renderSvg } from './render-svg';

const stat = (mean: number, std: number | null, n = 2): StatDto => ({
  mean,
  std,
  min: mean - (std ?? 0),
  max: mean + (std ?? 0),
  n,
});
const epochs: AggregateDto['epochs'] = [0, 1, 2].map((epoch) => ({
  epoch,
  n: epoch < 2 ? 2 : 1,
  trainLoss: stat(4 - epoch, epoch < 2 ? 0.2 : null, epoch < 2 ? 2 : 1),
  valLoss: stat(4.1 - epoch, 0.3),
  trainAccuracy: stat(0.1 * (epoch + 1), 0.02),
  valAccuracy: stat(0.09 * (epoch + 1), 0.03),
  learningRate: stat(1e-3, 0),
  durationMs: stat(1000, 10),
}));

describe('figures over seeds', () => {
  it('draws mean +- std: the band bounds are the mean plus and minus the std, collapsing where one run is left', () => {
    const points = aggregateCurvePoints([{ label: 'BN+RC', epochs }]);
    const train0 = points.find((p) => p.epoch === 0 && p.split === 'train' && p.metric === 'loss');
    expect(train0).toMatchObject({ mean: 4, lower: 3.8, upper: 4.2, n: 2 });
    const train2 = points.find((p) => p.epoch === 2 && p.split === 'train' && p.metric === 'loss');
    expect(train2).toMatchObject({ mean: 2, lower: 2, upper: 2, std: null, n: 1 });
    const svg = renderSvg(
      aggregateCurvesSpec([
        { label: 'BN+RC', epochs },
        { label: 'BN', epochs },
      ]),
    );
    // two translucent bands (train and validation) per panel and group, and the groups named in the key
    expect(svg.match(/aria-roledescription="area mark"[^>]* opacity="0\.18"/g)).toHaveLength(8);
    expect(svg).toContain('Group (mean ± std)');
  });

  it('draws the gradient flow over seeds as a geometric mean in a log-space band', () => {
    const log = (g: number, s: number | null) => ({ geometricMean: g, log10Std: s, min: g, max: g, n: 2, zeros: 0 });
    const layers = [0, 1].map((i) => ({
      layerIndex: i,
      name: `l${i}`,
      shortName: `conv_${i}`,
      kind: 'conv',
      n: 2,
      meanAbs: log(1e-3, 1),
      lastBatchMeanAbs: log(10 ** -(i + 2), 0.5),
      l2: log(1, 0),
      maxAbs: log(1, 0),
      updateRatio: log(1e-3, 0),
      weightL2: stat(1, 0),
      nonFiniteCount: stat(0, 0),
    }));
    const spec = aggregateGradientFlowSpec(layers, { statistic: 'meanAbs' }) as unknown as {
      data: { values: { lower: number; upper: number }[] };
    };
    expect(spec.data.values[0].lower).toBeCloseTo(1e-4, 12);
    expect(spec.data.values[0].upper).toBeCloseTo(1e-2, 12);
    expect(renderSvg(aggregateGradientFlowSpec(layers))).toContain('geometric mean over seeds');
  });
});
