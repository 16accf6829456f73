// npm run bench:fidelity -- [--config vgg08|vgg38-bn-rc|vgg38-bn-v1|vgg38-bn-rc-v1] [--seeds N] [--epochs N]
//                           [--train N] [--val N] [--test N] [--threads N] [--filters N]
//                           [--backend wasm+onednn|wasm|cpu] [--framework DIR]
// Is a gradlab run as good as a PyTorch run of the same config? Trains the same config, seed by seed, on the
// very same images (the synthetic data set's CIFAR-100 binary files, split as a worker splits them) in
// gradlab, through trainRun as a worker does, and in the course framework's recipe in PyTorch
// (bench/pytorch_fidelity.py, Debian's /usr/bin/python3). The v1 presets (the orderings most students write)
// are built on PyTorch's side from gradlab's export of their graphs, in the course's own ConvolutionalNetwork
// with --framework (a checkout's pytorch_mlp_framework folder). Prints per-epoch mean ± std of train loss and
// validation accuracy for both, every seed's test accuracy (of the best-validation weights), and the
// difference of the means with its 95% interval and Welch's t.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExperimentConfigSchema, type ExperimentConfig } from '@gradlab/contracts';
import {
  BACKEND_PREFERENCE,
  selectBackend,
  trainRun,
  wasmThreadCount,
  type BackendName,
  type EpochResult,
} from '@gradlab/training';
import { runPytorchFidelity } from './pytorch-fidelity-run';
import { pm, welch } from './statistics';

const CONFIGS = {
  vgg08: { model: { numFilters: 32, numStages: 3, numBlocksPerStage: 0, blockType: 'conv_block' }, seeds: 8 },
  'vgg38-bn-rc': {
    model: { numFilters: 32, numStages: 3, numBlocksPerStage: 5, blockType: 'conv_block_bn_rc' },
    seeds: 3,
  },
  'vgg38-bn-v1': {
    model: { numFilters: 16, numStages: 3, numBlocksPerStage: 5, blockType: 'conv_block_bn_v1' },
    seeds: 8,
  },
  'vgg38-bn-rc-v1': {
    model: { numFilters: 16, numStages: 3, numBlocksPerStage: 5, blockType: 'conv_block_bn_rc_v1' },
    seeds: 8,
  },
} as const;

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'vgg08' },
    seeds: { type: 'string' },
    epochs: { type: 'string', default: '4' },
    train: { type: 'string', default: '4750' },
    val: { type: 'string', default: '250' },
    test: { type: 'string', default: '1000' },
    threads: { type: 'string' },
    filters: { type: 'string' },
    backend: { type: 'string', default: 'wasm+onednn' },
    framework: { type: 'string' },
  },
});
if (!(values.config in CONFIGS)) throw new Error(`--config must be one of ${Object.keys(CONFIGS).join(', ')}`);
const chosen = CONFIGS[values.config as keyof typeof CONFIGS];
const seeds = Number(values.seeds ?? chosen.seeds);
const epochs = Number(values.epochs);

interface SeedResult {
  epochs: Pick<EpochResult, 'trainLoss' | 'valAccuracy'>[];
  testAccuracy: number;
}

const configFor = (seed: number): ExperimentConfig =>
  ExperimentConfigSchema.parse({
    model: { ...chosen.model, numFilters: values.filters ? Number(values.filters) : chosen.model.numFilters },
    training: { epochs, batchSize: 100, learningRate: 1e-3, minLearningRate: 2e-5, weightDecay: 0, seed },
    data: {
      dataset: 'synthetic',
      augment: true,
      trainLimit: Number(values.train),
      valLimit: Number(values.val),
      testLimit: Number(values.test),
    },
  });

async function gradlabRun(config: ExperimentConfig, dataDir: string): Promise<SeedResult> {
  const collected: SeedResult['epochs'] = [];
  const result = await trainRun(`fidelity-${config.training.seed}`, config, dataDir, {
    onEpoch: async (e) => void collected.push(e),
  });
  return { epochs: collected, testAccuracy: result.testAccuracy };
}

async function pytorchRun(config: ExperimentConfig, dataDir: string): Promise<SeedResult> {
  return runPytorchFidelity(
    config,
    dataDir,
    wasmThreadCount(),
    undefined,
    values.framework ? { FRAMEWORK: path.resolve(values.framework) } : {},
  );
}

async function main(): Promise<void> {
  if (!BACKEND_PREFERENCE.includes(values.backend as BackendName))
    throw new Error(`--backend must be one of ${BACKEND_PREFERENCE.join(', ')}`);
  const backend = await selectBackend(values.backend as BackendName, () => undefined, {
    wasmThreads: values.threads ? Number(values.threads) : undefined,
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-fidelity-data-'));
  console.log(
    `bench:fidelity ${values.config}: ${seeds} seeds, ${epochs} epochs, ${values.train} train / ${values.val} val / ${values.test} test images of the synthetic set; gradlab on ${backend} (${wasmThreadCount()} threads), PyTorch ${wasmThreadCount()} threads`,
  );
  const gradlab: SeedResult[] = [];
  const pytorch: SeedResult[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const config = configFor(seed);
    const started = Date.now();
    gradlab.push(await gradlabRun(config, dataDir));
    const mid = Date.now();
    pytorch.push(await pytorchRun(config, dataDir));
    console.log(
      `seed ${seed}: test accuracy gradlab ${gradlab[seed].testAccuracy.toFixed(3)} (${((mid - started) / 1000).toFixed(0)} s), PyTorch ${pytorch[seed].testAccuracy.toFixed(3)} (${((Date.now() - mid) / 1000).toFixed(0)} s)`,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });

  console.log('\nper epoch, mean ± std over seeds (epochs numbered from 0):');
  console.log(
    '| epoch | train loss, PyTorch | train loss, gradlab | val. accuracy, PyTorch | val. accuracy, gradlab |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (let e = 0; e < epochs; e++) {
    const of = (runs: SeedResult[], key: 'trainLoss' | 'valAccuracy') => runs.map((r) => r.epochs[e][key] ?? NaN);
    console.log(
      `| ${e} | ${pm(of(pytorch, 'trainLoss'))} | ${pm(of(gradlab, 'trainLoss'))} | ${pm(of(pytorch, 'valAccuracy'))} | ${pm(of(gradlab, 'valAccuracy'))} |`,
    );
  }
  const g = gradlab.map((r) => r.testAccuracy);
  const p = pytorch.map((r) => r.testAccuracy);
  console.log(`\ntest accuracy per seed, PyTorch: ${p.map((x) => x.toFixed(3)).join(', ')}`);
  console.log(`test accuracy per seed, gradlab: ${g.map((x) => x.toFixed(3)).join(', ')}`);
  console.log(`test accuracy, mean ± std: PyTorch ${pm(p)}, gradlab ${pm(g)}`);
  const w = welch(g, p);
  console.log(
    `gradlab - PyTorch: ${w.difference.toFixed(4)}, 95% interval [${w.low.toFixed(4)}, ${w.high.toFixed(4)}], standard error ${w.standardError.toFixed(4)}, Welch's t = ${w.t.toFixed(2)} (df ${w.df.toFixed(1)})`,
  );
  const verdict =
    w.difference >= -2 * w.standardError
      ? 'within two standard errors: no sign that gradlab trains worse'
      : 'gradlab is more than two standard errors BELOW PyTorch: a bug to find';
  console.log(verdict);
}

main().catch((error: Error) => {
  console.error(`bench:fidelity failed: ${error.message}`);
  process.exit(1);
});
