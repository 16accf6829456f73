import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema } from '@gradlab/contracts';
import { describeNetwork, weightParams } from '@gradlab/models';
import { selectBackend } from './backend/select-backend';
import { GradientStatsAccumulator } from './gradient-stats';

const spec = describeNetwork(ModelConfigSchema.parse({ numFilters: 4, numStages: 1, numBlocksPerStage: 0 }));
const weights = weightParams(spec);

/** Gradients for every weight tensor, each entry `value(layer, index)`. */
function gradients(value: (layer: number, index: number) => number): Record<string, tf.Tensor> {
  return Object.fromEntries(
    weights.map((p, layer) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      return [
        p.name,
        tf.tensor(
          Array.from({ length: size }, (_, i) => value(layer, i)),
          p.shape,
        ),
      ];
    }),
  );
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('GradientStatsAccumulator', () => {
  it('reduces each weight tensor on its own, whatever the sizes, and counts NaN and infinities', async () => {
    const sizes = weights.map((p) => p.shape.reduce((a, b) => a * b, 1));
    expect(new Set(sizes).size).toBeGreaterThan(1); // the padding to the largest tensor is exercised
    const params = new Map(weights.map((p) => [p.name, tf.variable(tf.ones(p.shape))]));
    const stats = new GradientStatsAccumulator(spec);
    // Batch 1: layer l's entries alternate +-(l + 1); batch 2: all 2 x (l + 1), with a NaN and an Infinity
    // in the first layer.
    const first = gradients((l, i) => (i % 2 ? -(l + 1) : l + 1));
    const second = gradients((l, i) => (l === 0 && i === 0 ? NaN : l === 0 && i === 1 ? Infinity : 2 * (l + 1)));
    stats.add(first);
    stats.add(second);
    const layers = await stats.takeEpoch(params);

    expect(layers.map((l) => l.name)).toEqual(weights.map((p) => p.name));
    layers.forEach((layer, l) => {
      const n = sizes[l];
      expect(layer.weightL2).toBeCloseTo(Math.sqrt(n), 3);
      expect(layer.updateRatio).toBeNull(); // no step recorded one
      if (l === 0) {
        expect(layer.nonFiniteCount).toBe(2);
        expect(layer.meanAbs).toBeNull(); // NaN over the epoch
        return;
      }
      const v = l + 1;
      expect(layer.nonFiniteCount).toBe(0);
      expect(layer.lastBatchMeanAbs).toBeCloseTo(2 * v, 4);
      expect(layer.meanAbs).toBeCloseTo((v + 2 * v) / 2, 4);
      expect(layer.l2).toBeCloseTo((v * Math.sqrt(n) + 2 * v * Math.sqrt(n)) / 2, 2);
      expect(layer.maxAbs).toBeCloseTo(2 * v, 5);
    });

    // A new epoch starts from nothing.
    stats.add(first);
    const next = await stats.takeEpoch(params);
    expect(next[0].nonFiniteCount).toBe(0);
    expect(next[1].meanAbs).toBeCloseTo(2, 5);
    expect(next[1].maxAbs).toBeCloseTo(2, 5);
    tf.dispose([...Object.values(first), ...Object.values(second), ...params.values()]);
    stats.dispose();
  });

  it('records the update-to-weight ratio of a step', async () => {
    const params = new Map(weights.map((p) => [p.name, tf.variable(tf.fill(p.shape, 2))]));
    const stats = new GradientStatsAccumulator(spec);
    const before = stats.weightsBefore(params);
    // Layer l moves by 0.002 x (l + 1) in every entry: ratio 0.001 x (l + 1).
    weights.forEach((p, l) => (params.get(p.name) as tf.Variable).assign(tf.fill(p.shape, 2 + 0.002 * (l + 1))));
    stats.recordUpdate(before, params);
    tf.dispose(before);
    const layers = await stats.takeEpoch(params);
    layers.forEach((layer, l) => expect(layer.updateRatio).toBeCloseTo(0.001 * (l + 1), 5));
    const next = await stats.takeEpoch(params);
    expect(next[0].updateRatio).toBeNull();
    tf.dispose([...params.values()]);
    stats.dispose();
  });
});
