// npm run bench:fidelity-init-swap -- [--seeds 8] [--first-seed 0] [--epochs 4] [--filters 32] [--threads 2]
//                                      [--generator xoshiro128|pcg32] [--json FILE]
// The fidelity question's experiment: PyTorch's recipe (bench/pytorch_fidelity.py) on the same VGG_38 BN+RC
// config and images as `bench:fidelity --config vgg38-bn-rc`, each seed once from PyTorch's own initial
// weights and once from gradlab's draw (initialParameterValues, the same seed), with the same data order and
// augmentation (PyTorch's, from the seed). If the gap between gradlab and PyTorch is in the initial weights,
// PyTorch from gradlab's draw trains like gradlab; if not, like PyTorch. The test statistic (chosen before the
// 24-seed run, bench/README.md): the paired t of test accuracy, gradlab's draw minus PyTorch's, seed by seed.
// `--generator pcg32` draws gradlab's weights by the same rule from a second, independent generator
// (bench/pcg32.ts) instead of gradlab's own (xoshiro128**): if the gap is in gradlab's generator, it goes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { describeNetwork, type ParamSpec } from '@gradlab/models';
import { initialParameterValues } from '@gradlab/models/tf';
import { pcg32InitialValues } from './pcg32';
import { runPytorchFidelity } from './pytorch-fidelity-run';
import { paired, pm } from './statistics';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '8' },
    'first-seed': { type: 'string', default: '0' },
    generator: { type: 'string', default: 'xoshiro128' },
    json: { type: 'string' },
    epochs: { type: 'string', default: '4' },
    filters: { type: 'string', default: '32' },
    threads: { type: 'string', default: '2' },
  },
});

/** TensorFlow.js layout -> PyTorch's: conv [kh, kw, in, out] -> [out, in, kh, kw], linear [in, out] -> [out, in]. */
function tfToTorchLayout(p: ParamSpec, data: Float32Array): number[] {
  const out = new Array<number>(data.length);
  if (p.torchShape.length === 4) {
    const [o, i, kh, kw] = p.torchShape;
    for (let a = 0; a < o; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) out[((a * i + b) * kh + y) * kw + x] = data[((y * kw + x) * i + b) * o + a];
  } else if (p.torchShape.length === 2) {
    const [o, i] = p.torchShape;
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[a * i + b] = data[b * o + a];
  } else data.forEach((v, k) => (out[k] = v));
  return out;
}

interface Run {
  losses: number[];
  test: number;
}

async function main(): Promise<void> {
  const seeds = Number(values.seeds);
  const firstSeed = Number(values['first-seed']);
  const epochs = Number(values.epochs);
  if (values.generator !== 'xoshiro128' && values.generator !== 'pcg32')
    throw new Error("--generator must be xoshiro128 (gradlab's own) or pcg32");
  console.log(
    `bench:fidelity-init-swap: seeds ${firstSeed}-${firstSeed + seeds - 1}, ${epochs} epochs, ${values.filters} filters, ${values.threads} threads; gradlab's draw from ${values.generator}`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-init-swap-data-'));
  const runs: Record<'pytorch' | 'gradlab', Run[]> = { pytorch: [], gradlab: [] };
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const config = ExperimentConfigSchema.parse({
      model: { numFilters: Number(values.filters), numStages: 3, numBlocksPerStage: 5, blockType: 'conv_block_bn_rc' },
      training: { epochs, batchSize: 100, learningRate: 1e-3, minLearningRate: 2e-5, weightDecay: 0, seed },
      data: { dataset: 'synthetic', augment: true, trainLimit: 4750, valLimit: 250, testLimit: 1000 },
    });
    const spec = describeNetwork(config.model);
    const init = values.generator === 'pcg32' ? pcg32InitialValues(spec, seed) : initialParameterValues(spec, seed);
    const writeGradlabInit = (dir: string) => {
      const file = path.join(dir, 'gradlab-init.json');
      const params = spec.params.map((p) => [
        p.name,
        p.torchShape,
        tfToTorchLayout(p, init.get(p.name) as Float32Array),
      ]);
      writeFileSync(file, JSON.stringify(params));
      return file;
    };
    for (const start of ['pytorch', 'gradlab'] as const) {
      const run = await runPytorchFidelity(
        config,
        dataDir,
        Number(values.threads),
        start === 'gradlab' ? writeGradlabInit : undefined,
      );
      runs[start].push({ losses: run.epochs.map((e) => e.trainLoss), test: run.testAccuracy });
    }
    console.log(
      `seed ${seed}: PyTorch's init test ${runs.pytorch.at(-1)?.test.toFixed(3)}, gradlab's init test ${runs.gradlab.at(-1)?.test.toFixed(3)}`,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
  console.log(
    "\n| epoch | train loss, PyTorch from its init | train loss, PyTorch from gradlab's init |\n| --- | --- | --- |",
  );
  for (let e = 0; e < epochs; e++)
    console.log(`| ${e} | ${pm(runs.pytorch.map((r) => r.losses[e]))} | ${pm(runs.gradlab.map((r) => r.losses[e]))} |`);
  console.log(`| test accuracy | ${pm(runs.pytorch.map((r) => r.test))} | ${pm(runs.gradlab.map((r) => r.test))} |`);
  const test = paired(
    runs.gradlab.map((r) => r.test),
    runs.pytorch.map((r) => r.test),
  );
  const lastLoss = paired(
    runs.gradlab.map((r) => r.losses[epochs - 1]),
    runs.pytorch.map((r) => r.losses[epochs - 1]),
  );
  const better = runs.gradlab.filter((r, i) => r.test > runs.pytorch[i].test).length;
  console.log(
    `\ntest accuracy, gradlab's draw - PyTorch's (paired, ${seeds} seeds): ${test.difference.toFixed(4)}, 95% interval [${test.low.toFixed(4)}, ${test.high.toFixed(4)}], t = ${test.t.toFixed(2)} (df ${test.df}), two-sided p = ${test.p.toFixed(4)}; gradlab's draw better in ${better} of ${seeds}`,
  );
  console.log(
    `last epoch's train loss, gradlab's draw - PyTorch's: ${lastLoss.difference.toFixed(4)}, 95% interval [${lastLoss.low.toFixed(4)}, ${lastLoss.high.toFixed(4)}], t = ${lastLoss.t.toFixed(2)}, p = ${lastLoss.p.toFixed(4)}`,
  );
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ firstSeed, seeds, epochs, generator: values.generator, runs, test, lastLoss }, null, 2),
    );
}

main();
