import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parityFixturesDir } from '@gradlab/models/testing';
import { selectBackend, type BackendName } from '../backend/select-backend';
import { checkParity, formatParityReport } from './parity-check';
import { loadParityFixture } from './parity-fixture';
import { checkTrajectory, isTrajectoryFixture, loadTrajectoryFixture } from './trajectory-check';

const FIXTURES = ['vgg08-conv_block', 'vgg38-conv_block', 'vgg38-conv_block_bn', 'vgg38-conv_block_bn_rc'];
// Students' blocks (examples/blocks and the v1 presets), each made by scripts/parity/make_block_fixture.py from
// gradlab's export of it inside the course framework's own ConvolutionalNetwork (fixtures/pytorch-parity-blocks).
const BLOCK_FIXTURES_DIR = path.resolve(__dirname, '../../../../fixtures/pytorch-parity-blocks');
const BLOCK_FOLDERS = readdirSync(BLOCK_FIXTURES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const BLOCK_FIXTURES = BLOCK_FOLDERS.filter((name) => !isTrajectoryFixture(path.join(BLOCK_FIXTURES_DIR, name)));
// The v1 presets over 100 steps, on the workers' default backend; wasm (about 70 s each beside the others) and
// cpu (150 s) pass too and are left to the command, to keep CI's time (fixtures/pytorch-parity-blocks/README.md).
const BLOCK_TRAJECTORIES = BLOCK_FOLDERS.filter((name) => isTrajectoryFixture(path.join(BLOCK_FIXTURES_DIR, name)));
// Plain wasm misses one bound of vgg38-bn_v1 (a BN beta whose gradient is float32 noise: fixtures/pytorch-parity-blocks/README.md).
const BLOCK_BACKENDS: BackendName[] = ['wasm+onednn', 'cpu'];
const TRAJECTORIES = ['vgg08-trajectory', 'vgg38-bn_rc-trajectory'];
// webgpu on this machine is Mesa's software renderer, about 4 minutes a trajectory: the VGG_08 one here, the
// BN+RC one by `npm run parity -- <dir> --backend webgpu` (bench/README.md).
// wasm+onednn: CI installs libdnnl-dev, so the addon is built there.
const BACKENDS: BackendName[] = ['wasm', 'wasm+onednn', 'cpu', 'webgpu'];
const TRAJECTORY_RUNS: [string, BackendName, string][] = [
  ...TRAJECTORIES.flatMap((fixture): [string, BackendName, string][] => [
    [fixture, 'wasm', parityFixturesDir()],
    [fixture, 'wasm+onednn', parityFixturesDir()],
    [fixture, 'cpu', parityFixturesDir()],
  ]),
  ['vgg08-trajectory', 'webgpu', parityFixturesDir()],
  ...BLOCK_TRAJECTORIES.map((fixture): [string, BackendName, string] => [fixture, 'wasm+onednn', BLOCK_FIXTURES_DIR]),
];

const ROOT = path.resolve(__dirname, '../../../..');
const parity = (fixture: string, backend: string, dir = parityFixturesDir()) =>
  promisify(execFile)(
    process.execPath,
    ['-r', '@swc-node/register', path.join(ROOT, 'scripts/parity.ts'), path.join(dir, fixture), '--backend', backend],
    { cwd: ROOT },
  ).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

/** The lines listed under "over their bound". */
function failures(stdout: string): { quantity: string; error: number; line: string }[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('over their bound'));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('worst error per kind'));
  return lines.slice(start + 1, end).map((line) => {
    return { quantity: line.trim().split(/\s+/)[0], error: Number(/ error (\S+) /.exec(line)?.[1]), line };
  });
}

describe('PyTorch parity, through npm run parity', () => {
  // The README's rules, the same for every folder: no fixture is known here by name.
  it.each(BACKENDS.flatMap((backend) => FIXTURES.map((fixture) => [fixture, backend])))(
    '%s on %s: every number within the README bound',
    async (fixture, backend) => {
      const { code, stdout } = await parity(fixture, backend);
      const lines = stdout.trim().split('\n');
      const spec = loadParityFixture(path.join(parityFixturesDir(), fixture)).spec;
      expect(stdout).toContain(`${spec.params.length * 3 + 2 + spec.buffers.length} comparisons`);
      expect(failures(stdout)).toEqual([]);
      expect(lines[lines.length - 1]).toBe(`parity ${fixture} ${backend} PASS`);
      expect(code).toBe(0);
    },
    120_000,
  );

  // In this process, a backend at a time (the shared fixtures above prove the command's path): twelve
  // processes' start-up took most of their two and a half minutes.
  it.each(BLOCK_BACKENDS.flatMap((backend) => BLOCK_FIXTURES.map((fixture) => [fixture, backend] as const)))(
    "student block %s on %s: gradlab's graph and its PyTorch export agree within the README bound",
    async (fixture, backend) => {
      await selectBackend(backend);
      const loaded = loadParityFixture(path.join(BLOCK_FIXTURES_DIR, fixture));
      expect(loaded.spec.config.blockType).toBe('custom');
      const report = await checkParity(loaded, backend);
      expect(report.comparisons).toHaveLength(loaded.spec.params.length * 3 + 2 + loaded.spec.buffers.length);
      expect(report.failures.map((f) => `${f.quantity} ${f.name} ${f.error} > ${f.bound}`)).toEqual([]);
      expect(report.pass).toBe(true);
    },
    120_000,
  );

  // Two at a time: a cpu trajectory takes two minutes of one core.
  it.concurrent.each(TRAJECTORY_RUNS)(
    '%s on %s: the loss at every step, the weights and running statistics after the last, and eval mode within bound',
    async (fixture, backend, dir) => {
      const { code, stdout } = await parity(fixture, backend, dir);
      const lines = stdout.trim().split('\n');
      const loaded = loadTrajectoryFixture(path.join(dir, fixture));
      const steps = loaded.manifest.lossPerStep.length;
      expect(stdout).toContain(`${steps + loaded.spec.params.length + loaded.spec.buffers.length + 2} comparisons`);
      expect(failures(stdout)).toEqual([]);
      expect(stdout).toContain('the loss stays within its bound at every step');
      expect(lines[lines.length - 1]).toBe(`parity ${fixture} ${backend} PASS`);
      expect(code).toBe(0);
    },
    900_000, // the webgpu one took 400 s here beside the others
  );

  it('names the first step where a trajectory parts from PyTorch (a learning rate 5% off)', async () => {
    await selectBackend('wasm');
    const fixture = loadTrajectoryFixture(path.join(parityFixturesDir(), 'vgg08-trajectory'));
    fixture.manifest.config.optimizer.lr0 *= 1.05;
    const report = await checkTrajectory(fixture, 'wasm');
    expect(report.pass).toBe(false);
    // Step 0's loss comes before any update, so it still matches; the paths part within a few steps.
    const first = report.firstDivergentStep as { step: number; epoch: number };
    expect(first.step).toBeGreaterThan(0);
    expect(first.step).toBeLessThan(10);
    expect(
      report.comparisons
        .filter((c) => c.quantity === 'lossPerStep')
        .slice(0, first.step)
        .every((c) => c.error <= c.bound),
    ).toBe(true);
    expect(formatParityReport(report)).toContain(
      `first step whose loss leaves its bound: step ${first.step} (epoch 0)`,
    );
  }, 120_000);

  it('refuses an unknown backend with exit code 2', async () => {
    await expect(parity('vgg08-conv_block', 'nope')).resolves.toMatchObject({ code: 2 });
  }, 60_000);

  it('fails, naming the parameter, when a weight is off', async () => {
    await selectBackend('wasm');
    const fixture = loadParityFixture(path.join(parityFixturesDir(), 'vgg08-conv_block'));
    const name = 'layer_dict.reduction_block_1.layer_dict.conv_0.weight';
    (fixture.values.get(name) as Float32Array)[0] += 0.05;
    const report = await checkParity(fixture, 'wasm');
    expect(report.pass).toBe(false);
    expect(report.failures.map((f) => f.name)).toContain(name);
  }, 60_000);
});
