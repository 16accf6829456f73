// `npm run parity -- <fixture-dir> [--backend cpu|wasm|wasm+onednn|webgpu|tfjs-node|tfjs-node-gpu] [--webgpu-products fma|dekker]`
// Checks the TensorFlow.js implementation against a PyTorch fixture, one-step or trajectory (told apart by
// its manifest); exits 1 on any number over its bound. --webgpu-products overrides how the webgpu
// convolutions find products' rounding errors (by default fma where the device computes it exactly), to
// check both ways on one GPU.
import { parseArgs } from 'node:util';
import {
  BACKEND_PREFERENCE,
  checkParity,
  checkTrajectory,
  formatParityReport,
  isTrajectoryFixture,
  loadParityFixture,
  loadTrajectoryFixture,
  selectBackend,
  setWebGpuProductError,
  type BackendName,
} from '@gradlab/training';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { backend: { type: 'string' }, 'webgpu-products': { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error(
      `usage: npm run parity -- <fixture-dir> [--backend ${BACKEND_PREFERENCE.join('|')}] [--webgpu-products fma|dekker]`,
    );
    return 2;
  }
  if (values.backend && !BACKEND_PREFERENCE.includes(values.backend as BackendName)) {
    console.error(`--backend must be one of ${BACKEND_PREFERENCE.join(', ')}`);
    return 2;
  }
  const products = values['webgpu-products'];
  if (products !== undefined && products !== 'fma' && products !== 'dekker') {
    console.error('--webgpu-products must be fma or dekker');
    return 2;
  }
  const backend = await selectBackend(values.backend as BackendName | undefined);
  if (products) setWebGpuProductError(products);
  const dir = positionals[0];
  const report = isTrajectoryFixture(dir)
    ? await checkTrajectory(loadTrajectoryFixture(dir), backend)
    : await checkParity(loadParityFixture(dir), backend);
  console.log(formatParityReport(report));
  return report.pass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`parity failed to run: ${error.message}`);
    process.exit(1);
  },
);
