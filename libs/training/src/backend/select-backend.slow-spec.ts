import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../../..');
const SUPPORT = path.join(__dirname, '../test-support');

/** Chooses a backend in a process of its own, as a worker starts; its log lines and exit code. */
async function select(backend: string | null, preload: string[] = []): Promise<{ lines: string[]; code: number }> {
  const args = [
    '-r',
    '@swc-node/register',
    ...preload.flatMap((p) => ['-r', p]),
    path.join(SUPPORT, 'select-backend-run.ts'),
    ...(backend ? [backend] : []),
  ];
  const { stdout, code } = await promisify(execFile)(process.execPath, args, { cwd: ROOT }).then(
    ({ stdout }) => ({ stdout, code: 0 }),
    (error: { code: number; stdout: string }) => ({ stdout: error.stdout, code: error.code }),
  );
  return { lines: stdout.trim().split('\n'), code };
}

describe('selectBackend', () => {
  it('does not pick a software adapter by itself, and says why in one line', async () => {
    const { lines, code } = await select(null);
    expect(code).toBe(0);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^backend webgpu did not load: no WebGPU adapter: .*only a software renderer \(llvmpipe[^)]*\), slower than wasm/,
      ),
    );
    expect(lines[lines.length - 1]).toBe('selected wasm+onednn');
  }, 60_000);

  it('takes the software adapter when TF_BACKEND=webgpu forces it', async () => {
    const { lines, code } = await select('webgpu');
    expect(code).toBe(0);
    expect(lines[lines.length - 1]).toBe('selected webgpu');
  }, 60_000);

  it('names the optional package that is missing, in one line, and goes on to the next backend', async () => {
    const { lines, code } = await select(null, [path.join(SUPPORT, 'without-webgpu-package.js')]);
    expect(code).toBe(0);
    const webgpu = lines.filter((line) => line.startsWith('backend webgpu'));
    expect(webgpu).toEqual([
      "backend webgpu did not load: webgpu is not installed (an optional dependency, installed by npm unless told --omit=optional; webgpu brings Dawn's prebuilt dawn.node)",
    ]);
    expect(lines[lines.length - 1]).toBe('selected wasm+onednn');
  }, 60_000);

  // The addon never built (no libdnnl-dev at install), or built without its library where it runs.
  it.each([
    [
      'without-onednn-addon.js',
      'the oneDNN addon is not built (apt-get install libdnnl-dev && npm rebuild @gradlab/native-kernels): libs/native-kernels/build/Release/gradlab_onednn.node',
    ],
    [
      'without-libdnnl.js',
      'the oneDNN addon is built but libdnnl.so.2 is missing (apt-get install libdnnl2): libdnnl.so.2: cannot open shared object file: No such file or directory',
    ],
  ])(
    '%s: says what to install in one line, and trains on wasm',
    async (preload, reason) => {
      const { lines, code } = await select(null, [path.join(SUPPORT, preload)]);
      expect(code).toBe(0);
      expect(lines.filter((line) => line.startsWith('backend wasm+onednn'))).toEqual([
        `backend wasm+onednn did not load: ${reason}`,
      ]);
      expect(lines[lines.length - 1]).toBe('selected wasm');
    },
    60_000,
  );

  it('fails when the forced backend cannot load, with the reason', async () => {
    const { lines, code } = await select('webgpu', [path.join(SUPPORT, 'without-webgpu-package.js')]);
    expect(code).toBe(1);
    expect(lines[lines.length - 1]).toBe(
      "failed: backend webgpu could not be loaded: Cannot find module 'webgpu/package.json'",
    );
  }, 60_000);
});
