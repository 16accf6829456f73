// `npm run gpu-check:build`: the GPU check's bundle, made here, for a borrowed GPU machine with no Node and no
// package registry (bench/README.md, "GPU check"). Writes bench/gpu-check/bundle/ (git-ignored; a device call
// carries it), under 48 MiB:
//   node.xz            this Node binary, compressed
//   dawn.node.xz       Dawn's prebuilt WebGPU bindings from the `webgpu` package, compressed
//   gradlab-gpu.js     gpu-check.ts with TensorFlow.js and gradlab's libraries, one file (esbuild)
//   pytorch_train_step.py, fixtures/  the PyTorch side of the benchmark, and the parity fixtures run there
//   debs/              Debian's Vulkan and EGL loaders (apt-get download), which the machine lacks
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(__dirname, 'bundle');
const LIMIT_BYTES = 48 * 2 ** 20;
/** One one-step fixture and one trajectory: the deepest network, with batch norm and residual connections. */
const FIXTURES = ['vgg38-conv_block_bn_rc', 'vgg38-bn_rc-trajectory'];
const LOADER_PACKAGES = ['libvulkan1', 'libegl1', 'libglvnd0', 'libgles2', 'libopengl0', 'libgl1', 'libglx0'];

function fixturesDir(): string {
  for (const candidate of [path.join(ROOT, 'shared'), path.join(ROOT, '..', 'shared')]) {
    const dir = path.join(candidate, 'fixtures', 'pytorch-parity');
    if (existsSync(dir)) return dir;
  }
  throw new Error('no shared/fixtures/pytorch-parity beside or inside the repository');
}

function xz(source: string, target: string): void {
  execFileSync('sh', ['-c', `xz -9 -T0 -c "${source}" > "${target}"`]);
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(path.join(OUT, 'debs'), { recursive: true });

  await build({
    entryPoints: [path.join(__dirname, 'gpu-check.ts')],
    outfile: path.join(OUT, 'gradlab-gpu.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
    // Loaded at run time from beside the bundle (webgpu: dawn.node), or never on a webgpu machine.
    external: ['webgpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  });
  copyFileSync(path.join(ROOT, 'bench', 'pytorch_train_step.py'), path.join(OUT, 'pytorch_train_step.py'));
  const fixtures = fixturesDir();
  for (const name of FIXTURES) cpSync(path.join(fixtures, name), path.join(OUT, 'fixtures', name), { recursive: true });
  copyFileSync(path.join(fixtures, 'make_fixtures.py'), path.join(OUT, 'fixtures', 'make_fixtures.py'));

  const webgpu = path.dirname(require.resolve('webgpu/package.json'));
  xz(path.join(webgpu, 'dist', 'linux-x64', 'dawn.node'), path.join(OUT, 'dawn.node.xz'));
  writeFileSync(
    path.join(OUT, 'webgpu-package.json'),
    JSON.stringify({ name: 'webgpu', version: require('webgpu/package.json').version }),
  );
  xz(process.execPath, path.join(OUT, 'node.xz'));
  execFileSync('apt-get', ['download', ...LOADER_PACKAGES], { cwd: path.join(OUT, 'debs'), stdio: 'inherit' });

  const size = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (sum, e) => sum + (e.isDirectory() ? size(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
      0,
    );
  const bytes = size(OUT);
  console.log(`gpu-check bundle: ${OUT}, ${(bytes / 2 ** 20).toFixed(1)} MiB (limit ${LIMIT_BYTES / 2 ** 20} MiB)`);
  if (bytes > LIMIT_BYTES) throw new Error('the bundle is over its limit');
}

main().catch((error: Error) => {
  console.error(`gpu-check:build failed: ${error.message}`);
  process.exit(1);
});
