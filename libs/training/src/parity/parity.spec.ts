import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parityFixturesDir } from '@gradlab/models';
import { selectBackend, type BackendName } from '../backend/select-backend';
import { checkParity } from './parity-check';
import { loadParityFixture } from './parity-fixture';

const FIXTURES = ['vgg08-conv_block', 'vgg38-conv_block', 'vgg38-conv_block_bn', 'vgg38-conv_block_bn_rc'];
const BACKENDS: BackendName[] = ['wasm', 'cpu'];
/**
 * The one known gap (README, "PyTorch parity"): in vgg38-conv_block_bn, Adam's first step moves each
 * parameter by about lr x sign(g), and a few gradient entries (of conv biases and BN weights) cancel below
 * float32 resolution, so their sign, and with it the parameter's L2 after the step, can differ from the
 * float64 reference. PyTorch's own float32 misses the same bound there (1.5e-3 on
 * reduction_block_1.conv_1.bias; bench/pytorch_float32_vs_fixture.py). Allowed: at most two `paramL2After`
 * misses, none over PyTorch's own error; every other number of the fixture must pass.
 */
const KNOWN_MISSES: Record<string, { quantity: string; count: number; maxError: number }> = {
  'vgg38-conv_block_bn': { quantity: 'paramL2After', count: 2, maxError: 2e-3 },
};

const ROOT = path.resolve(__dirname, '../../../..');
const parity = (fixture: string, backend: string) =>
  promisify(execFile)(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts/parity.ts'), path.join(parityFixturesDir(), fixture), '--backend', backend], { cwd: ROOT }).then(
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
  it.each(BACKENDS.flatMap((backend) => FIXTURES.map((fixture) => [fixture, backend])))(
    '%s on %s: every number within the README bound',
    async (fixture, backend) => {
      const { code, stdout } = await parity(fixture, backend);
      const lines = stdout.trim().split('\n');
      const spec = loadParityFixture(path.join(parityFixturesDir(), fixture)).spec;
      expect(stdout).toContain(`${spec.params.length * 3 + 2 + spec.buffers.length} comparisons`);
      const known = KNOWN_MISSES[fixture];
      if (!known) {
        expect(failures(stdout)).toEqual([]);
        expect(lines[lines.length - 1]).toBe(`parity ${fixture} ${backend} PASS`);
        expect(code).toBe(0);
        return;
      }
      const missed = failures(stdout);
      expect(missed.filter((f) => f.quantity !== known.quantity || !(f.error <= known.maxError))).toEqual([]);
      expect(missed.length).toBeLessThanOrEqual(known.count);
      expect(lines[lines.length - 1]).toBe(`parity ${fixture} ${backend} ${missed.length ? 'FAIL' : 'PASS'}`);
      expect(code).toBe(missed.length ? 1 : 0);
    },
    120_000,
  );

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
