import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EpochResult, TrainRunResult } from './train-run';

interface Outcome {
  straight: { epochs: EpochResult[]; result: TrainRunResult };
  interrupted: string;
  resumed: { epochs: EpochResult[]; result: TrainRunResult };
}

const ROOT = path.resolve(__dirname, '../../..');
const close = (a: number | null, b: number | null, tolerance: number) =>
  expect(Math.abs((a as number) - (b as number))).toBeLessThanOrEqual(tolerance);

describe('a run interrupted after epoch 2 of 4 and resumed from its checkpoints', () => {
  it.each(['wasm', 'cpu'])(
    'ends with the same numbers as a straight run on %s (within 1e-6)',
    async (backend) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['-r', '@swc-node/register', path.join(__dirname, 'test-support/resume-run.ts'), backend],
        { cwd: ROOT },
      );
      const { straight, interrupted, resumed } = JSON.parse(stdout.trim().split('\n').pop() as string) as Outcome;
      expect(interrupted).toBe('worker killed');
      // Epochs 0 and 1 before the interruption, 2 and 3 after it: none lost, none twice.
      expect(resumed.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
      resumed.epochs.forEach((e, i) => {
        const s = straight.epochs[i];
        for (const key of ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'learningRate'] as const)
          close(e[key], s[key], 1e-6);
        e.layers.forEach((l, j) => {
          for (const key of ['meanAbs', 'updateRatio'] as const)
            close(l[key] ?? null, s.layers[j][key] ?? null, 1e-6 * Math.abs(s.layers[j][key] as number) + 1e-12);
        });
      });
      expect(resumed.result.bestEpoch).toBe(straight.result.bestEpoch);
      close(resumed.result.testAccuracy, straight.result.testAccuracy, 1e-6);
      close(resumed.result.testLoss, straight.result.testLoss, 1e-6);
    },
    120_000,
  );
});
