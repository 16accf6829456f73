import type { EpochDto } from '@gradlab/contracts';
import { epochFraction, estimateTimeLeftMs, withEpoch } from './progress';

const epoch = (i: number, durationMs: number): EpochDto => ({
  epoch: i,
  trainLoss: 1,
  trainAccuracy: 0,
  valLoss: 1,
  valAccuracy: 0,
  learningRate: 1e-3,
  durationMs,
});

describe('progress estimates', () => {
  it('has no estimate before the first batches are reported', () => {
    expect(estimateTimeLeftMs([], 10, null)).toBeNull();
    expect(estimateTimeLeftMs([], 10, { epoch: 0, batch: 0, batchesPerEpoch: 95, epochElapsedMs: 500 })).toBeNull();
    expect(estimateTimeLeftMs([], 10, { epoch: 0, batch: 79, batchesPerEpoch: 95 })).toBeNull(); // an older worker's progress
  });

  it('extrapolates within the first epoch from the batches done so far', () => {
    // 79 of 95 batches in 79 s: an epoch takes 95 s, and 9 epochs and 16 batches are left.
    expect(
      estimateTimeLeftMs([], 10, { epoch: 0, batch: 79, batchesPerEpoch: 95, epochElapsedMs: 79_000 }),
    ).toBeCloseTo(95_000 * (10 - 79 / 95), 6);
  });

  it('multiplies the mean epoch time by the epochs left, less the part of the current epoch done', () => {
    expect(estimateTimeLeftMs([epoch(0, 1000), epoch(1, 3000)], 10, null)).toBe(16_000);
    expect(
      estimateTimeLeftMs([epoch(0, 1000), epoch(1, 3000)], 10, { epoch: 2, batch: 25, batchesPerEpoch: 100 }),
    ).toBe(15_500); // 2000 ms x 7.75
    expect(estimateTimeLeftMs([epoch(0, 1000)], 1, null)).toBe(0);
  });

  it('ignores batch progress of another epoch than the one training', () => {
    expect(epochFraction({ epoch: 1, batch: 50, batchesPerEpoch: 100 }, 2)).toBe(0);
    expect(epochFraction({ epoch: 2, batch: 50, batchesPerEpoch: 100 }, 2)).toBe(0.5);
  });

  it('applies a finished epoch to a run: counter and best validation accuracy only move forward', () => {
    const run = { epochsCompleted: 2, bestValAccuracy: 0.3 };
    expect(withEpoch(run, { epoch: 2, valAccuracy: 0.2 })).toEqual({ epochsCompleted: 3, bestValAccuracy: 0.3 });
    expect(withEpoch(run, { epoch: 1, valAccuracy: 0.4 })).toEqual({ epochsCompleted: 2, bestValAccuracy: 0.4 }); // a late duplicate
  });
});
