// npm run bench:train -- --blocks 0|5 [--batch 100] [--steps 20] [--backend wasm] [--threads N] [--filters 32] [--vs-pytorch]
// Training throughput of the coursework network (images/s), and what the per-layer gradient statistics cost
// (the same steps with statistics on and off, alternated twice, best of each; and the statistics timed alone,
// which the machine's noise does not swamp). With --vs-pytorch, also times the same network and batch in
// PyTorch with one thread (Debian's python3-torch, /usr/bin/python3) and prints the ratio; when gradlab ran
// on several wasm threads, also PyTorch with as many, and that ratio.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema } from '@gradlab/contracts';
import { architectureName, describeNetwork, parameterCount, weightParams } from '@gradlab/models';
import { createNetwork, initialParameterValues } from '@gradlab/models/tf';
import { GradientStatsAccumulator, selectBackend, TorchAdam, trainStep, wasmThreadCount, zerosVariable, type BackendName } from '@gradlab/training';

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '0' },
    batch: { type: 'string', default: '100' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    filters: { type: 'string', default: '32' },
    'block-type': { type: 'string', default: 'conv_block' },
    'vs-pytorch': { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const model = ModelConfigSchema.parse({
  numFilters: Number(values.filters),
  numStages: 3,
  numBlocksPerStage: Number(values.blocks),
  blockType: values['block-type'],
});

async function timeSteps(withStats: boolean): Promise<number> {
  const spec = describeNetwork(model);
  const net = createNetwork(spec, initialParameterValues(spec, 0));
  const optimizer = new TorchAdam(net.params);
  const stats = withStats ? new GradientStatsAccumulator(spec) : null;
  const sums = zerosVariable([2]);
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 100),
    'int32',
  );
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) trainStep({ net, optimizer, stats, sums, x, y, learningRate: 1e-3 });
    await sums.data(); // wait for the device
  };
  await run(warmup);
  const start = process.hrtime.bigint();
  await run(steps);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  tf.dispose([x, y, sums]);
  stats?.dispose();
  optimizer.dispose();
  return seconds;
}

/** Seconds per step of the statistics alone, on gradients of the network's shapes: free of the step's noise. */
async function timeStatsAlone(calls: number): Promise<number> {
  const spec = describeNetwork(model);
  const stats = new GradientStatsAccumulator(spec);
  const weights = new Map(weightParams(spec).map((p) => [p.name, tf.variable(tf.randomNormal(p.shape))]));
  const grads = Object.fromEntries([...weights].map(([name, w]) => [name, w as tf.Tensor]));
  stats.add(grads);
  await stats.takeEpoch(weights); // warm-up, and waits for the device
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) stats.add(grads);
  await stats.takeEpoch(weights);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9 / calls;
  tf.dispose([...weights.values()]);
  stats.dispose();
  return seconds;
}

function timePytorch(threads: number): number {
  const script = path.join(__dirname, 'pytorch_train_step.py');
  const args = [
    script,
    String(model.numFilters),
    String(model.numBlocksPerStage),
    model.blockType,
    String(batch),
    String(steps),
    String(warmup),
    String(threads),
  ];
  const out = execFileSync('/usr/bin/python3', args, { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
}

async function main() {
  const backend = await selectBackend(values.backend as BackendName, undefined, { wasmThreads: values.threads ? Number(values.threads) : undefined });
  const threadCount = backend === 'wasm' ? wasmThreadCount() : 1;
  const threads = backend === 'wasm' ? `, ${threadCount} thread(s)` : '';
  const name = `${architectureName(model)} (${model.blockType}, ${model.numFilters} filters, ${parameterCount(describeNetwork(model))} params)`;
  // Alternate the two modes and keep each one's best: the machine is shared, and whichever runs second
  // was consistently slower when each ran once.
  let withStats = Infinity;
  let withoutStats = Infinity;
  for (let round = 0; round < 2; round++) {
    withStats = Math.min(withStats, await timeSteps(true));
    withoutStats = Math.min(withoutStats, await timeSteps(false));
  }
  const imagesPerSecond = (batch * steps) / withStats;
  console.log(`${name}, batch ${batch}, ${steps} steps on ${backend}${threads}`);
  console.log(`  gradlab:  ${imagesPerSecond.toFixed(1)} images/s (${((withStats / steps) * 1000).toFixed(1)} ms/step with gradient statistics)`);
  console.log(
    `  gradient statistics: ${(((withStats - withoutStats) / withoutStats) * 100).toFixed(1)}% of step time (${((withoutStats / steps) * 1000).toFixed(1)} ms/step without)`,
  );
  const alone = await timeStatsAlone(50);
  console.log(`  gradient statistics timed alone: ${(alone * 1000).toFixed(2)} ms/step, ${((alone / (withoutStats / steps)) * 100).toFixed(1)}% of a step`);
  if (values['vs-pytorch']) {
    for (const torchThreads of threadCount > 1 ? [1, threadCount] : [1]) {
      const torchImages = (batch * steps) / timePytorch(torchThreads);
      console.log(`  pytorch (${torchThreads} thread${torchThreads > 1 ? 's' : ''}): ${torchImages.toFixed(1)} images/s`);
      console.log(`  ratio gradlab / pytorch (${torchThreads}): ${(imagesPerSecond / torchImages).toFixed(2)}`);
    }
  }
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
