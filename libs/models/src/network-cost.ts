import type { DataConfig } from '@gradlab/contracts';
import type { ConvSpec, NetworkSpec } from './network-spec';

/**
 * Multiply-adds of one image's forward pass: every convolution at the spatial size it outputs (a reduction
 * block halves the size where its graph pools or strides), and the linear heads. Training costs about three
 * times this per image (forward, and backward to inputs and to weights); it is what duration estimates
 * scale measured epoch times by.
 */
export function forwardMultiplyAdds(spec: NetworkSpec): number {
  const conv = (c: ConvSpec, side: number) => c.kernel * c.kernel * c.inChannels * c.outChannels * side * side;
  let side = spec.imageSize;
  let total = 0;
  for (const block of spec.blocks) {
    switch (block.type) {
      case 'entry':
        total += conv(block.conv, side);
        break;
      case 'graph': {
        // each node's output side: its input's, halved by a pool or a stride-2 conv
        const sides = new Map<string, number>([['x', side]]);
        for (const step of block.steps) {
          const input = sides.get(step.inputs[0]) as number;
          const halves =
            step.op === 'avg_pool' || step.op === 'max_pool' || (step.op === 'conv' && step.conv.stride === 2);
          const out = halves ? Math.floor(input / 2) : input;
          if (step.op === 'conv') total += conv(step.conv, out);
          sides.set(step.id, out);
        }
        side = sides.get(block.output) as number;
        break;
      }
      case 'dense':
        total += conv(block.conv0, side);
        break;
      case 'stage-end':
        if (block.aux) total += block.aux.inFeatures * block.aux.outFeatures;
        break;
    }
  }
  return total + spec.head.inFeatures * spec.head.outFeatures;
}

/** Images in each split, as the data loader takes them (validation is 5% of the train file). */
const DATASET_SIZES = {
  cifar100: { train: 47_500, val: 2_500, test: 10_000 },
  synthetic: { train: 4_750, val: 250, test: 1_000 },
} as const;

export function splitSizes(data: Pick<DataConfig, 'dataset' | 'trainLimit' | 'valLimit' | 'testLimit'>): {
  train: number;
  val: number;
  test: number;
} {
  const full = DATASET_SIZES[data.dataset];
  return {
    train: Math.min(full.train, data.trainLimit ?? Infinity),
    val: Math.min(full.val, data.valLimit ?? Infinity),
    test: Math.min(full.test, data.testLimit ?? Infinity),
  };
}

/** One epoch's work in forward multiply-adds: training (x3 for the backward pass) and validation. */
export function epochWork(spec: NetworkSpec, data: Parameters<typeof splitSizes>[0]): number {
  const sizes = splitSizes(data);
  return forwardMultiplyAdds(spec) * (3 * sizes.train + sizes.val);
}
