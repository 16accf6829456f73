import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ModelConfig } from '@gradlab/contracts';

/** Where PyTorch runs the reference: CUDA when asked and there is one, else the CPU. */
export type PytorchDevice = 'cpu' | 'cuda-if-available';

/**
 * A python3 that imports torch: $PYTHON, the one on PATH (a GPU machine's PyTorch with CUDA), or Debian's
 * /usr/bin/python3 with python3-torch (this project's machines).
 */
export function findPytorch(): string | null {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue;
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Times `steps` training steps of the same network and batch in PyTorch (pytorch_train_step.py). */
export function timePytorch(
  python: string,
  run: {
    model: ModelConfig;
    batch: number;
    steps: number;
    warmup: number;
    threads: number;
    device: PytorchDevice;
    /** nchw (PyTorch's default, the course framework's) unless told channels-last. */
    layout?: 'nchw' | 'channels-last';
  },
): { seconds: number; device: string } {
  const script = path.join(__dirname, 'pytorch_train_step.py');
  const { model } = run;
  const args = [
    script,
    model.numFilters,
    model.numBlocksPerStage,
    model.blockType,
    run.batch,
    run.steps,
    run.warmup,
    run.threads,
    run.device,
    run.layout ?? 'nchw',
  ].map(String);
  const lines = execFileSync(python, args, { encoding: 'utf8' }).trim().split('\n');
  const [seconds, device] = lines[lines.length - 1].split(' ');
  return { seconds: Number(seconds), device };
}
