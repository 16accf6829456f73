import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { describeNetwork, weightParams } from '@gradlab/models';
import { selectBackend } from './backend/select-backend';
import { RunCancelledError } from './errors';
import { trainRun, type EpochResult } from './train-run';

const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-train-'));
const config = (overrides: { epochs?: number; trainLimit?: number; seed?: number } = {}) =>
  ExperimentConfigSchema.parse({
    model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
    training: { epochs: overrides.epochs ?? 3, batchSize: 50, learningRate: 0.01, seed: overrides.seed ?? 0 },
    data: { dataset: 'synthetic', trainLimit: overrides.trainLimit ?? 1500, valLimit: 250, testLimit: 500 },
  });

async function train(c: ReturnType<typeof config>) {
  const epochs: EpochResult[] = [];
  const result = await trainRun('test', c, dataDir, { onEpoch: async (e) => void epochs.push(e) });
  return { epochs, result };
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('trainRun', () => {
  it('learns the synthetic classes, reports every epoch and its gradient flow, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const c = config();
    const { epochs, result } = await train(c);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(epochs[2].trainLoss as number).toBeLessThan(epochs[0].trainLoss as number);
    expect(result.testAccuracy).toBeGreaterThan(0.05); // chance is 0.01
    expect(epochs.map((e) => e.learningRate)).toEqual([0.01, expect.closeTo(0.007505, 9), expect.closeTo(0.002515, 9)]);
    const layers = weightParams(describeNetwork(c.model));
    for (const e of epochs) {
      expect(e.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
      for (const l of e.layers) {
        for (const v of [l.meanAbs, l.lastBatchMeanAbs, l.l2, l.maxAbs, l.weightL2, l.updateRatio])
          expect(Number.isFinite(v)).toBe(true);
        expect(l.maxAbs as number).toBeGreaterThanOrEqual(l.lastBatchMeanAbs as number);
        expect(l.nonFiniteCount).toBe(0);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('gives the same numbers for the same seed and different ones for another', async () => {
    const a = await train(config({ epochs: 1, trainLimit: 300 }));
    const b = await train(config({ epochs: 1, trainLimit: 300 }));
    const other = await train(config({ epochs: 1, trainLimit: 300, seed: 1 }));
    expect(b.epochs[0].trainLoss).toBe(a.epochs[0].trainLoss);
    expect(b.epochs[0].layers).toEqual(a.epochs[0].layers);
    expect(other.epochs[0].trainLoss).not.toBe(a.epochs[0].trainLoss);
  }, 120_000);

  it('refuses a checkpoint of another network', async () => {
    const saved: Buffer[] = [];
    await trainRun('a', config({ epochs: 1, trainLimit: 100 }), dataDir, {
      onEpoch: async () => undefined,
      onCheckpoint: async (kind, bytes) => void (kind === 'latest' && saved.push(bytes)),
    });
    const other = ExperimentConfigSchema.parse({
      ...config({ epochs: 2 }),
      model: { numFilters: 4, numStages: 1, numBlocksPerStage: 0 },
    });
    await expect(
      trainRun('b', other, dataDir, { onEpoch: async () => undefined }, { resume: { latest: saved[0], best: null } }),
    ).rejects.toThrow(/checkpoint|shape|size/i);
  }, 60_000);

  it.each(['dense_block', 'conv_block_ds'] as const)(
    'trains %s with finite metrics and gradient flow for every weight tensor',
    async (blockType) => {
      const before = tf.memory().numTensors;
      const c = ExperimentConfigSchema.parse({
        ...config({ epochs: 2, trainLimit: 300 }),
        model: { numFilters: 8, numStages: 2, numBlocksPerStage: 2, blockType },
      });
      const { epochs, result } = await train(c);
      expect(epochs).toHaveLength(2);
      expect(epochs[1].layers.map((l) => l.name)).toEqual(weightParams(describeNetwork(c.model)).map((p) => p.name));
      for (const e of epochs) expect(Number.isFinite(e.trainLoss)).toBe(true);
      expect(Number.isFinite(result.testAccuracy)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    },
    120_000,
  );

  it('throttles progress by the clock it is given: every batch when time runs, once when it stands still', async () => {
    const c = config({ epochs: 1, trainLimit: 200 }); // 4 batches of 50
    const count = async (now: () => number) => {
      const batches: number[] = [];
      await trainRun(
        'progress',
        c,
        dataDir,
        { onEpoch: async () => undefined, onProgress: (p) => void batches.push(p.batch) },
        { progressIntervalMs: 1000, now },
      );
      return batches;
    };
    let time = 0;
    expect(await count(() => (time += 1000))).toEqual([1, 2, 3, 4]);
    expect(await count(() => 0)).toEqual([1]);
  }, 60_000);

  it('stops with RunCancelledError when cancelled', async () => {
    let polls = 0;
    const run = trainRun(
      'cancel-me',
      config({ epochs: 5 }),
      dataDir,
      { onEpoch: async () => undefined, isCancelled: async () => ++polls > 3 },
      { cancelPollMs: 0 },
    );
    await expect(run).rejects.toBeInstanceOf(RunCancelledError);
  }, 60_000);
});
