import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ExperimentConfig } from '@gradlab/contracts';
import { encodeCifarBinary, loadSplits } from '@gradlab/training';

/** One epoch's figures as pytorch_fidelity.py prints them. */
export interface PytorchEpoch {
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
}

/**
 * Runs the course recipe in PyTorch (bench/pytorch_fidelity.py, Debian's /usr/bin/python3) on the split a
 * worker makes of `dataDir` for this config (trainRun's own, written out as CIFAR-100 binary files), with
 * `threads` threads; `initWeights` (a file) starts it from other initial weights; `env` adds to the script's
 * environment (BUILD_PASS=1: the framework's build pass). Its epochs and test accuracy.
 */
export async function runPytorchFidelity(
  config: ExperimentConfig,
  dataDir: string,
  threads: number,
  initWeights?: (dir: string) => string,
  env: Record<string, string> = {},
): Promise<{ epochs: PytorchEpoch[]; testAccuracy: number }> {
  const splits = await loadSplits(config.data, dataDir, config.training.seed);
  const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-fidelity-'));
  try {
    for (const [name, set] of Object.entries(splits))
      writeFileSync(path.join(dir, `${name}.bin`), encodeCifarBinary(set));
    const m = config.model;
    const t = config.training;
    const args = [
      path.join(__dirname, 'pytorch_fidelity.py'),
      dir,
      m.numFilters,
      m.numStages,
      m.numBlocksPerStage,
      m.blockType,
      t.epochs,
      t.batchSize,
      t.learningRate,
      t.weightDecay,
      t.seed,
    ].map(String);
    const { stdout } = await promisify(execFile)('/usr/bin/python3', args, {
      env: {
        ...process.env,
        ...env,
        THREADS: String(threads),
        ...(initWeights ? { INIT_WEIGHTS: initWeights(dir) } : {}),
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    return { epochs: lines.slice(0, -1), testAccuracy: lines.at(-1).testAccuracy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
