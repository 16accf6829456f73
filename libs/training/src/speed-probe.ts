import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema } from '@gradlab/contracts';
import { describeNetwork } from '@gradlab/models';
import { createNetwork, initialParameterValues } from '@gradlab/models/tf';
import { TorchAdam } from './optim/torch-adam';
import { trainStep, zerosVariable } from './train-run';

/** The probe's network: VGG_08 of the coursework (32 filters, 3 stages, no blocks), batch 16. */
const PROBE_MODEL = ModelConfigSchema.parse({ numFilters: 32, numStages: 3, numBlocksPerStage: 0 });
const PROBE_BATCH = 16;

/**
 * A worker's speed, for pools and runs' `minSpeed`: training images a second on a fixed VGG_08 step, on the
 * backend that is set. One warm-up step, then steps for about `budgetMs` (at least 3), the median taken. Comparable between
 * workers, not a run's speed: a deeper network is slower on every worker alike.
 */
export async function measureSpeed(budgetMs = 1500): Promise<number> {
  const spec = describeNetwork(PROBE_MODEL);
  const net = createNetwork(spec, initialParameterValues(spec, 0));
  const optimizer = new TorchAdam(net.params);
  const sums = zerosVariable([2]);
  const x = tf.randomNormal([PROBE_BATCH, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: PROBE_BATCH }, (_, i) => i % 100),
    'int32',
  );
  try {
    const step = () => trainStep({ net, optimizer, stats: null, sums, x, y, learningRate: 1e-3 });
    step();
    await sums.data();
    // The median step: a worker starting beside the api and the dashboard shares the CPU for a while.
    const start = performance.now();
    const times: number[] = [];
    while (times.length < 3 || performance.now() - start < budgetMs) {
      const t0 = performance.now();
      step();
      await sums.data(); // wait for the device
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return (PROBE_BATCH * 1000) / times[times.length >> 1];
  } finally {
    tf.dispose([x, y, sums, ...net.params.values(), ...net.buffers.values()]);
    optimizer.dispose();
  }
}
