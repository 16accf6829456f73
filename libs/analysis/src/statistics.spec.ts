import { aggregateEpochs, aggregateTest, type RunForAggregate } from './aggregate';
import { summarize, summarizeLog } from './statistics';

const epoch = (index: number, trainLoss: number | null, valAccuracy: number) => ({
  epoch: index,
  trainLoss,
  trainAccuracy: 0.5,
  valLoss: 1,
  valAccuracy,
  learningRate: 1e-3,
  durationMs: 1000,
});

describe('summarize', () => {
  it('gives the mean, the sample std (n - 1), min, max and n, computed by hand', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance 32/7
    const stat = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stat).toEqual({ mean: 5, std: expect.closeTo(Math.sqrt(32 / 7), 12), min: 2, max: 9, n: 8 });
  });
  it('leaves out null and non-finite values, and has no std for one value', () => {
    expect(summarize([3, null, Number.NaN, Infinity])).toEqual({ mean: 3, std: null, min: 3, max: 3, n: 1 });
    expect(summarize([])).toEqual({ mean: null, std: null, min: null, max: null, n: 0 });
  });
});

describe('summarizeLog', () => {
  it('averages in log10 space: 1e-2 and 1e-6 have geometric mean 1e-4 and a std of 2*sqrt(2) decades', () => {
    const stat = summarizeLog([1e-2, 1e-6]);
    expect(stat.geometricMean).toBeCloseTo(1e-4, 15);
    // log10: -2 and -6, mean -4, deviations +-2, sample variance (4 + 4) / 1 = 8
    expect(stat.log10Std).toBeCloseTo(Math.sqrt(8), 12);
    expect(stat).toMatchObject({ min: 1e-6, max: 1e-2, n: 2, zeros: 0 });
  });
  it('counts exact zeros apart (they have no logarithm)', () => {
    expect(summarizeLog([0, 1e-3, null])).toEqual({
      geometricMean: expect.closeTo(1e-3, 15),
      log10Std: null,
      min: 1e-3,
      max: 1e-3,
      n: 1,
      zeros: 1,
    });
  });
});

describe('aggregation over runs', () => {
  const runs: RunForAggregate[] = [
    {
      id: 'a',
      epochs: [epoch(0, 4, 0.1), epoch(1, 3, 0.2), epoch(2, 2, 0.3)],
      testAccuracy: 0.3,
      testLoss: 2,
      bestValAccuracy: 0.3,
    },
    { id: 'b', epochs: [epoch(0, 6, 0.3), epoch(1, 5, 0.4)], testAccuracy: null, testLoss: null, bestValAccuracy: 0.4 },
  ];

  it('aligns by epoch and counts a run that stopped early honestly', () => {
    const epochs = aggregateEpochs(runs);
    expect(epochs.map((e) => [e.epoch, e.n])).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
    ]);
    expect(epochs[0].trainLoss).toEqual({ mean: 5, std: expect.closeTo(Math.SQRT2, 12), min: 4, max: 6, n: 2 });
    expect(epochs[1].valAccuracy.mean).toBeCloseTo(0.3, 12);
    expect(epochs[2].trainLoss).toEqual({ mean: 2, std: null, min: 2, max: 2, n: 1 });
  });

  it('gives final test metrics as mean and std over the runs that have them', () => {
    const test = aggregateTest(runs);
    expect(test.testAccuracy).toEqual({ mean: 0.3, std: null, min: 0.3, max: 0.3, n: 1 });
    expect(test.bestValAccuracy.mean).toBeCloseTo(0.35, 12);
    expect(test.bestValAccuracy.std).toBeCloseTo(Math.sqrt(0.005), 12);
  });
});
