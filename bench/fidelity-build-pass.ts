// npm run bench:fidelity-build-pass -- [--seeds 8] [--first-seed 0] [--epochs 1] [--filters 16] [--threads 2]
//                                       [--block-type conv_block_bn_rc] [--json FILE]
// The course framework's build pass, measured (issue 36). Its ConvolutionalNetwork builds its layers with one
// forward pass of zeros in training mode, so each batch norm starts training with running_var 0.9 and
// running_mean 0.1 x its conv's bias; gradlab (as PyTorch without that pass) starts them at 1 and 0. Only
// evaluation reads the running statistics, and 0.9 to the power of an epoch's batches washes the start out,
// so what it can change is the first epoch's validation numbers. PyTorch's recipe (bench/pytorch_fidelity.py)
// trains each seed twice on the same images, data order and initial weights, once with the pass
// (BUILD_PASS=1) and once without: the paired difference is what the framework's numbers differ by from a
// network that starts as gradlab's does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { runPytorchFidelity, type PytorchEpoch } from './pytorch-fidelity-run';
import { paired, pm } from './statistics';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '8' },
    'first-seed': { type: 'string', default: '0' },
    epochs: { type: 'string', default: '1' },
    filters: { type: 'string', default: '16' },
    threads: { type: 'string', default: '2' },
    'block-type': { type: 'string', default: 'conv_block_bn_rc' },
    json: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const seeds = Number(values.seeds);
  const firstSeed = Number(values['first-seed']);
  const epochs = Number(values.epochs);
  console.log(
    `bench:fidelity-build-pass: ${values['block-type']} VGG_38, ${values.filters} filters, seeds ${firstSeed}-${firstSeed + seeds - 1}, ${epochs} epoch(s), PyTorch ${values.threads} threads`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-build-pass-data-'));
  const arms: Record<'without' | 'with', PytorchEpoch[][]> = { without: [], with: [] };
  try {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const config = ExperimentConfigSchema.parse({
        model: {
          numFilters: Number(values.filters),
          numStages: 3,
          numBlocksPerStage: 5,
          blockType: values['block-type'],
        },
        training: { epochs, batchSize: 100, learningRate: 1e-3, minLearningRate: 2e-5, weightDecay: 0, seed },
        data: { dataset: 'synthetic', augment: true, trainLimit: 4750, valLimit: 250, testLimit: 1000 },
      });
      for (const arm of ['without', 'with'] as const) {
        const run = await runPytorchFidelity(config, dataDir, Number(values.threads), undefined, {
          BUILD_PASS: arm === 'with' ? '1' : '0',
        });
        arms[arm].push(run.epochs);
      }
      const [a, b] = [arms.without.at(-1)?.[0], arms.with.at(-1)?.[0]];
      console.log(
        `seed ${seed}: epoch 0 validation accuracy ${a?.valAccuracy.toFixed(3)} without the pass, ${b?.valAccuracy.toFixed(3)} with it; train loss ${a?.trainLoss.toFixed(4)} / ${b?.trainLoss.toFixed(4)}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    '\n| epoch | measure | without the pass (as gradlab) | with it (the framework) | with - without, 95% interval |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (let e = 0; e < epochs; e++) {
    for (const measure of ['valAccuracy', 'valLoss', 'trainLoss'] as const) {
      const without = arms.without.map((r) => r[e][measure] as number);
      const withPass = arms.with.map((r) => r[e][measure] as number);
      const d = paired(withPass, without);
      console.log(
        `| ${e} | ${measure} | ${pm(without, 4)} | ${pm(withPass, 4)} | ${d.difference.toFixed(4)} [${d.low.toFixed(4)}, ${d.high.toFixed(4)}], t = ${d.t.toFixed(2)} |`,
      );
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ firstSeed, seeds, epochs, arms }, null, 2));
}

main();
