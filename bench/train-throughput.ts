// npm run bench:train -- [--backend wasm|wasm+onednn|webgpu|cpu|...] [--blocks 0,5] [--batch 100] [--steps 20]
//                        [--threads N] [--filters 32] [--vs-pytorch] [--json FILE] [--block FILE [--block-type T]]
// --block FILE: a block file (examples/blocks, or { name, block }) against the built-in --block-type, rounds of
// each alternated on one backend, the best of each and their ratio: a block equal to a built-in must train
// at the built-in's speed, since both are the same graph through the same interpreter.
// --backend and --threads take lists (`--backend wasm,wasm+onednn --threads 1,2`): each pair is timed in a
// process of its own, then PyTorch at each thread count, and one table compares them (train-side-by-side.ts).
// Training throughput of the coursework network (images/s) for each --blocks (0: VGG_08, 5: VGG_38), and what
// the per-layer gradient statistics cost (the same steps with statistics on and off, alternated twice, best
// of each; and the statistics timed alone, which the machine's noise does not swamp). On webgpu also the GPU
// dispatches per step and where a step's time goes (tf.profile per kernel). With --vs-pytorch, the same
// network, batch and step in PyTorch on the same machine, and the ratio: on CUDA for a GPU backend when there
// is one, else on the CPU with one thread and, when gradlab used several wasm threads, as many.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema, readBlockFile, UNSTORED_BLOCK_ID, type ModelConfig } from '@gradlab/contracts';
import { architectureName, checkBlock, describeNetwork, parameterCount, weightParams } from '@gradlab/models';
import { createNetwork, initialParameterValues } from '@gradlab/models/tf';
import {
  BACKEND_PREFERENCE,
  defaultWasmThreads,
  describeDevice,
  GradientStatsAccumulator,
  selectBackend,
  TorchAdam,
  trainStep,
  wasmThreadCount,
  zerosVariable,
  type BackendName,
} from '@gradlab/training';
import { findPytorch, timePytorch, type PytorchDevice } from './pytorch';
import type { TrainThroughputResult } from './train-result';
import { benchSideBySide } from './train-side-by-side';
import { countDispatches } from './webgpu-dispatches';

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '0,5' },
    batch: { type: 'string', default: '100' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    filters: { type: 'string', default: '32' },
    'block-type': { type: 'string', default: 'conv_block' },
    block: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    'vs-pytorch': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const GPU_BACKENDS: BackendName[] = ['webgpu', 'tfjs-node-gpu'];

function modelOf(blocks: number): ModelConfig {
  return ModelConfigSchema.parse({
    numFilters: Number(values.filters),
    numStages: 3,
    numBlocksPerStage: blocks,
    blockType: values['block-type'],
  });
}

/** The training state and a fixed batch: every step is the same step. */
function setUp(model: ModelConfig, withStats: boolean) {
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
  const step = () => trainStep({ net, optimizer, stats, sums, x, y, learningRate: 1e-3 });
  const dispose = () => {
    tf.dispose([x, y, sums, ...net.params.values(), ...net.buffers.values()]);
    stats?.dispose();
    optimizer.dispose();
  };
  return { step, sums, dispose };
}

async function timeSteps(model: ModelConfig, withStats: boolean): Promise<number> {
  const { step, sums, dispose } = setUp(model, withStats);
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) step();
    await sums.data(); // wait for the device
  };
  await run(warmup);
  const start = process.hrtime.bigint();
  await run(steps);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  dispose();
  return seconds;
}

/** Seconds per step of the statistics alone, on gradients of the network's shapes: free of the step's noise. */
async function timeStatsAlone(model: ModelConfig, calls: number): Promise<number> {
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

/** GPU dispatches of one step, and tf.profile's kernels summed by name (time where the backend measures it). */
async function profileStep(model: ModelConfig): Promise<{ dispatches: number; lines: string[] }> {
  const { step, sums, dispose } = setUp(model, true);
  step();
  await sums.data();
  const dispatches = await countDispatches(async () => {
    step();
    await sums.data();
  });
  const profile = await tf.profile(() => step());
  await sums.data();
  dispose();
  const byKernel = new Map<string, { ms: number | null; calls: number }>();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : null;
    entry.ms = entry.ms === null || ms === null ? null : entry.ms + ms;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + (e.ms ?? 0), 0);
  // Without timestamp queries (Mesa's OpenGL ES) tfjs reports every kernel as 0 ms.
  const timed = total > 0 && [...byKernel.values()].every((e) => e.ms !== null);
  const rows = [...byKernel]
    .sort((a, b) => (timed ? (b[1].ms as number) - (a[1].ms as number) : b[1].calls - a[1].calls))
    .slice(0, 12);
  const lines = [
    timed
      ? `  where the time goes (tf.profile, ${total.toFixed(1)} ms of kernel time):`
      : '  kernels of one step (tf.profile; this adapter has no timestamp queries, so no times):',
    ...rows.map(
      ([name, e]) =>
        `    ${name.padEnd(26)} ${String(e.calls).padStart(5)} calls${timed ? `  ${(e.ms as number).toFixed(2).padStart(8)} ms  ${(((e.ms as number) / total) * 100).toFixed(1).padStart(5)}%` : ''}`,
    ),
  ];
  return { dispatches, lines };
}

async function benchNetwork(
  backend: BackendName,
  model: ModelConfig,
  pytorchPython: string | null,
): Promise<TrainThroughputResult> {
  const onWasm = backend === 'wasm' || backend === 'wasm+onednn';
  const threadCount = onWasm ? wasmThreadCount() : 1;
  const network = `${architectureName(model)} (${model.blockType}, ${model.numFilters} filters, ${parameterCount(describeNetwork(model))} params)`;
  console.log(`${network}, batch ${batch}, ${steps} steps on ${backend}${onWasm ? `, ${threadCount} thread(s)` : ''}`);
  // Alternate the two modes and keep each one's best: the machine is shared, and whichever runs second
  // was consistently slower when each ran once.
  let withStats = Infinity;
  let withoutStats = Infinity;
  for (let round = 0; round < 2; round++) {
    withStats = Math.min(withStats, await timeSteps(model, true));
    withoutStats = Math.min(withoutStats, await timeSteps(model, false));
  }
  const imagesPerSecond = (batch * steps) / withStats;
  console.log(
    `  gradlab:  ${imagesPerSecond.toFixed(1)} images/s (${((withStats / steps) * 1000).toFixed(2)} ms/step with gradient statistics)`,
  );
  console.log(
    `  gradient statistics: ${(((withStats - withoutStats) / withoutStats) * 100).toFixed(1)}% of step time (${((withoutStats / steps) * 1000).toFixed(2)} ms/step without)`,
  );
  const alone = await timeStatsAlone(model, 50);
  console.log(
    `  gradient statistics timed alone: ${(alone * 1000).toFixed(2)} ms/step, ${((alone / (withoutStats / steps)) * 100).toFixed(1)}% of a step`,
  );
  let dispatchesPerStep: number | null = null;
  if (backend === 'webgpu') {
    const { dispatches, lines } = await profileStep(model);
    dispatchesPerStep = dispatches;
    console.log(`  GPU dispatches per step: ${dispatches}`);
    for (const line of lines) console.log(line);
  }
  const pytorch: TrainThroughputResult['pytorch'] = [];
  if (pytorchPython) {
    const device: PytorchDevice = GPU_BACKENDS.includes(backend) ? 'cuda-if-available' : 'cpu';
    for (const threads of threadCount > 1 ? [1, threadCount] : [1]) {
      const timed = timePytorch(pytorchPython, { model, batch, steps, warmup, threads, device });
      const torchImages = (batch * steps) / timed.seconds;
      const label =
        timed.device === 'cpu' ? `${timed.device}, ${threads} thread${threads > 1 ? 's' : ''}` : timed.device;
      pytorch.push({
        device: timed.device,
        threads,
        imagesPerSecond: torchImages,
        ratio: imagesPerSecond / torchImages,
      });
      console.log(`  pytorch (${label}): ${torchImages.toFixed(1)} images/s`);
      console.log(`  ratio gradlab / pytorch (${label}): ${(imagesPerSecond / torchImages).toFixed(2)}`);
    }
  }
  const statisticsShare = (withStats - withoutStats) / withoutStats;
  return {
    network,
    backend,
    device: describeDevice(backend),
    batch,
    imagesPerSecond,
    msPerStep: (withStats / steps) * 1000,
    statisticsShare,
    dispatchesPerStep,
    pytorch,
  };
}

/** The block in FILE against the built-in model: alternated rounds of `--steps` steps, the best of each. */
async function compareBlock(builtIn: ModelConfig, file: string): Promise<void> {
  const { name, block } = readBlockFile(readFileSync(file, 'utf8'), file, path.basename(file, '.json'));
  const check = checkBlock(block);
  if (!check.ok) throw new Error(`${file}: ${check.issues.map((i) => `${i.graph}: ${i.message}`).join('; ')}`);
  const own = ModelConfigSchema.parse({
    ...builtIn,
    blockType: undefined,
    block: { id: UNSTORED_BLOCK_ID, name, graph: check.block },
  });
  const best = { builtIn: Infinity, own: Infinity };
  // which goes first alternates: the first network of a round runs on a colder process
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const which of round % 2 === 0 ? (['builtIn', 'own'] as const) : (['own', 'builtIn'] as const))
      best[which] = Math.min(best[which], await timeSteps(which === 'own' ? own : builtIn, true));
  }
  const rate = (seconds: number) => (batch * steps) / seconds;
  console.log(
    `${architectureName(builtIn)}, ${builtIn.numFilters} filters, batch ${batch}, best of ${values.rounds} rounds:`,
  );
  console.log(`  built-in ${builtIn.blockType}: ${rate(best.builtIn).toFixed(1)} images/s`);
  console.log(`  block ${name} (${file}): ${rate(best.own).toFixed(1)} images/s`);
  console.log(`  ratio block / built-in: ${(rate(best.own) / rate(best.builtIn)).toFixed(3)}`);
}

async function main() {
  const backends = (values.backend as string).split(',');
  const threadCounts = values.threads ? values.threads.split(',').map(Number) : [];
  for (const name of backends)
    if (!BACKEND_PREFERENCE.includes(name as BackendName))
      throw new Error(`--backend must be one or more of ${BACKEND_PREFERENCE.join(', ')}, comma-separated`);
  if (threadCounts.some((t) => !Number.isInteger(t) || t < 1))
    throw new Error('--threads must be whole numbers from 1, comma-separated');
  const pytorchPython = values['vs-pytorch'] ? findPytorch() : null;
  if (values['vs-pytorch'] && !pytorchPython)
    throw new Error('--vs-pytorch: no python3 here imports torch (PYTHON=/path/to/python3 names one)');
  const blockCounts = (values.blocks as string).split(',').map(Number);
  if (backends.length > 1 || threadCounts.length > 1) {
    const shared = ['blocks', 'batch', 'steps', 'warmup', 'filters', 'block-type'] as const;
    benchSideBySide({
      backends,
      threads: threadCounts.length ? threadCounts : [defaultWasmThreads()],
      sharedArgs: shared.flatMap((name) => [`--${name}`, String(values[name])]),
      models: blockCounts.map(modelOf),
      batch,
      steps,
      warmup,
      pytorchPython,
    });
    return;
  }
  const backend = await selectBackend(values.backend as BackendName, undefined, {
    wasmThreads: values.threads ? Number(values.threads) : undefined,
  });
  console.log(`device: ${describeDevice(backend)}`);
  if (values.block) {
    for (const blocks of blockCounts) await compareBlock(modelOf(blocks), values.block);
    return;
  }
  const results: TrainThroughputResult[] = [];
  for (const blocks of blockCounts) results.push(await benchNetwork(backend, modelOf(blocks), pytorchPython));
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0), // a started webgpu backend keeps Dawn's instance, and with it the process, alive
  (error: Error) => {
    console.error(`bench failed: ${error.message}`);
    process.exit(1);
  },
);
