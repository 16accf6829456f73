// npm run bench:profile -- [--blocks 0] [--block-type conv_block] [--batch 100] [--backend wasm] [--threads N]
// Where a training step's time goes: tf.profile over one step, kernel time summed per kernel name.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema } from '@gradlab/contracts';
import { describeNetwork } from '@gradlab/models';
import { createNetwork, initialParameterValues } from '@gradlab/models/tf';
import {
  GradientStatsAccumulator,
  selectBackend,
  TorchAdam,
  trainStep,
  zerosVariable,
  type BackendName,
} from '@gradlab/training';

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '0' },
    'block-type': { type: 'string', default: 'conv_block' },
    batch: { type: 'string', default: '100' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
  },
});

async function main() {
  await selectBackend(values.backend as BackendName, undefined, {
    wasmThreads: values.threads ? Number(values.threads) : undefined,
  });
  const batch = Number(values.batch);
  const spec = describeNetwork(
    ModelConfigSchema.parse({ numBlocksPerStage: Number(values.blocks), blockType: values['block-type'] }),
  );
  const net = createNetwork(spec, initialParameterValues(spec, 0));
  const optimizer = new TorchAdam(net.params);
  const stats = new GradientStatsAccumulator(spec);
  const sums = zerosVariable([2]);
  const x = tf.randomNormal([batch, 32, 32, 3]) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 100),
    'int32',
  );
  trainStep({ net, optimizer, stats, sums, x, y, learningRate: 1e-3 }); // warm-up
  const profile = await tf.profile(() => trainStep({ net, optimizer, stats, sums, x, y, learningRate: 1e-3 }));
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs);
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`one step, ${spec.params.length} parameters, batch ${batch}: ${total.toFixed(0)} ms of kernel time`);
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(
      `  ${name.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms  ${((e.ms / total) * 100).toFixed(1).padStart(5)}%  ${String(e.calls).padStart(4)} calls`,
    );
  }
}

main();
