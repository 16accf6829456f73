import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BlockDocument, ExperimentConfig } from '@gradlab/contracts';
import { BLOCK_PRESETS, exportBlockToPytorch } from '@gradlab/models';
import { encodeCifarBinary, loadSplits } from '@gradlab/training';

/** The block types the shared fixtures' `Net` builds (any other it would build as conv_block, silently). */
const SHARED_NET_BLOCK_TYPES = ['conv_block', 'conv_block_bn', 'conv_block_bn_rc'];

/** The block PyTorch's side builds from gradlab's export of it: a team's block or a preset `Net` lacks. */
function blockToExport(model: ExperimentConfig['model']): { name: string; block: BlockDocument } | undefined {
  if (typeof model.block === 'object') return { name: model.block.name, block: model.block.graph };
  if (SHARED_NET_BLOCK_TYPES.includes(model.blockType)) return undefined;
  const preset = BLOCK_PRESETS[model.blockType];
  if (!preset) throw new Error(`PyTorch's side of bench:fidelity cannot build ${model.blockType}`);
  return { name: model.blockType, block: preset };
}

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
 * environment (BUILD_PASS=1: the framework's build pass; FRAMEWORK=DIR: a block's network built in the course's
 * own ConvolutionalNetwork). A block `Net` does not know is exported, and PyTorch trains the network built from
 * that export. Its epochs and test accuracy.
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
    const exported = blockToExport(m);
    if (exported) writeFileSync(path.join(dir, 'block.py'), exportBlockToPytorch(exported.name, exported.block));
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
        ...(exported ? { BLOCK_EXPORT: path.join(dir, 'block.py'), BLOCK_NAME: exported.name } : {}),
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
