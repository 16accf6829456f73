import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema } from '@gradlab/contracts';
import { createNetwork, disposeNetwork, forward, initialParameterValues } from './network';
import { describeNetwork } from './network-spec';
import { SeededRandom } from './seeded-random';
import { torchToTfLayout } from './torch-layout';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('network', () => {
  it.each(['conv_block', 'conv_block_bn', 'conv_block_bn_rc', 'empty_block', 'dense_block', 'conv_block_ds'] as const)(
    '%s maps a batch of images to 100 logits',
    (blockType) => {
      const spec = describeNetwork(
        ModelConfigSchema.parse({ numFilters: 4, numStages: 2, numBlocksPerStage: 1, blockType }),
      );
      const net = createNetwork(spec, initialParameterValues(spec, 1));
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const { logits, batchStats } = forward(net, tf.randomNormal([3, 32, 32, 3]) as tf.Tensor4D, true);
        expect(logits.shape).toEqual([3, 100]);
        expect(batchStats.length).toBe(spec.buffers.length / 2);
        for (const s of batchStats) s.moments.dispose();
      });
      expect(tf.memory().numTensors).toBe(before);
      disposeNetwork(net);
    },
  );

  it('initialises like PyTorch: weights within 1/sqrt(fanIn), BN gamma 1 and beta 0, the same for the same seed', () => {
    const spec = describeNetwork(
      ModelConfigSchema.parse({ numFilters: 8, numBlocksPerStage: 0, blockType: 'conv_block' }),
    );
    const a = initialParameterValues(spec, 7);
    const b = initialParameterValues(spec, 7);
    for (const p of spec.params) {
      const values = a.get(p.name) as Float32Array;
      expect(values).toEqual(b.get(p.name));
      if (p.kind === 'bn_weight') expect(values.every((v) => v === 1)).toBe(true);
      else if (p.kind === 'bn_bias') expect(values.every((v) => v === 0)).toBe(true);
      else {
        const bound = 1 / Math.sqrt(p.fanIn as number);
        expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
        if (values.length >= 100) expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(bound * 0.9);
      }
    }
  });

  it('converts PyTorch layouts to TensorFlow.js layouts', () => {
    const spec = describeNetwork(ModelConfigSchema.parse({ numFilters: 2, numStages: 1, numBlocksPerStage: 0 }));
    const conv = spec.params[0]; // [out 2, in 3, 3, 3]
    const torch = Float32Array.from({ length: 54 }, (_, i) => i);
    const tfLayout = torchToTfLayout(conv, torch);
    // element [o=1, i=2, y=0, x=1] of PyTorch is [y=0, x=1, i=2, o=1] of TF.js
    expect(tfLayout[((0 * 3 + 1) * 3 + 2) * 2 + 1]).toBe(torch[((1 * 3 + 2) * 3 + 0) * 3 + 1]);
  });
});

describe('SeededRandom', () => {
  it('repeats a stream from a seed and resumes it from its state', () => {
    const a = new SeededRandom(42);
    const first = [a.next(), a.next()];
    const state = a.state();
    const rest = [a.next(), a.next()];
    expect([new SeededRandom(42).next(), new SeededRandom(42).next()][0]).toBe(first[0]);
    const resumed = new SeededRandom(state);
    expect([resumed.next(), resumed.next()]).toEqual(rest);
    expect(new SeededRandom(43).next()).not.toBe(first[0]);
  });

  it('draws uniform values in [0, 1) and permutations of every index', () => {
    const r = new SeededRandom(1);
    const values = Array.from({ length: 10_000 }, () => r.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.abs(values.reduce((a, b) => a + b) / values.length - 0.5)).toBeLessThan(0.02);
    expect([...r.permutation(100)].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
