// The GPU check's commands, bundled by build.ts into one file that runs on a bare GPU machine with the Node
// binary the bundle brings (bench/gpu-check/run.sh calls them):
//   probe --json FILE                       the adapter the webgpu backend takes, and how its convolutions
//                                           find products' errors
//   parity DIR [--webgpu-products fma|dekker] --json FILE
//                                           a parity fixture on webgpu, as `npm run parity` checks it
//   train ...                               bench/train-throughput.ts, with its own flags
//   table FILE...                           one markdown table of the JSON files the others wrote
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  activeWebGpuAdapter,
  checkParity,
  checkTrajectory,
  describeDevice,
  formatParityReport,
  isTrajectoryFixture,
  loadParityFixture,
  loadTrajectoryFixture,
  selectBackend,
  setWebGpuProductError,
  webGpuProductError,
  type ParityReport,
} from '@gradlab/training';
import type { TrainThroughputResult } from '../train-result';

interface ProbeResult {
  kind: 'probe';
  device: string;
  software: boolean;
  products: string;
}

interface ParityResult {
  kind: 'parity';
  fixture: string;
  products: string;
  pass: boolean;
  comparisons: number;
  failures: number;
  /** The worst error relative to its bound. */
  worst: { quantity: string; name: string; error: number; bound: number };
  seconds: number;
}

async function probe(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'string' } } });
  await selectBackend('webgpu', (line) => console.log(line));
  const result: ProbeResult = {
    kind: 'probe',
    device: describeDevice('webgpu'),
    software: activeWebGpuAdapter()?.software ?? true,
    products: webGpuProductError(),
  };
  console.log(`adapter: ${result.device}`);
  console.log(`convolutions: products' rounding errors by ${result.products}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(result));
}

async function parity(args: string[]): Promise<boolean> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'string' }, 'webgpu-products': { type: 'string' } },
  });
  const started = Date.now();
  await selectBackend('webgpu');
  const products = values['webgpu-products'];
  if (products === 'fma' || products === 'dekker') setWebGpuProductError(products);
  const dir = positionals[0];
  const report: ParityReport = isTrajectoryFixture(dir)
    ? await checkTrajectory(loadTrajectoryFixture(dir), 'webgpu')
    : await checkParity(loadParityFixture(dir), 'webgpu');
  console.log(formatParityReport(report));
  // NaN errors first (they fail every bound), then the largest share of its bound.
  const share = (c: { error: number; bound: number }) => (Number.isNaN(c.error) ? Infinity : c.error / c.bound);
  const worst = [...report.comparisons].sort((a, b) => share(b) - share(a))[0];
  const result: ParityResult = {
    kind: 'parity',
    fixture: report.fixture,
    products: webGpuProductError(),
    pass: report.pass,
    comparisons: report.comparisons.length,
    failures: report.failures.length,
    worst: { quantity: worst.quantity, name: worst.name, error: worst.error, bound: worst.bound },
    seconds: (Date.now() - started) / 1000,
  };
  if (values.json) writeFileSync(values.json, JSON.stringify(result));
  return report.pass;
}

function table(files: string[]): void {
  type Row =
    ProbeResult | ParityResult | (TrainThroughputResult & { kind: 'train' }) | { kind: 'missing'; file: string };
  const results = files.flatMap((file): Row[] => {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as ProbeResult | ParityResult | TrainThroughputResult[];
      return Array.isArray(parsed) ? parsed.map((r) => ({ kind: 'train' as const, ...r })) : [parsed];
    } catch {
      return [{ kind: 'missing' as const, file }];
    }
  });
  const rows: string[][] = [['check', 'result', 'details']];
  for (const r of results) {
    if (r.kind === 'missing') rows.push([r.file, 'MISSING', 'the command did not finish']);
    else if (r.kind === 'probe')
      rows.push(['adapter', r.software ? 'SOFTWARE' : 'hardware', `${r.device}; products' errors by ${r.products}`]);
    else if (r.kind === 'parity')
      rows.push([
        `parity ${r.fixture} (${r.products})`,
        r.pass ? 'PASS' : `FAIL (${r.failures} of ${r.comparisons})`,
        `${r.comparisons} comparisons, worst ${r.worst.quantity} ${r.worst.name}: ${r.worst.error.toExponential(2)} (bound ${r.worst.bound.toExponential(1)}), ${r.seconds.toFixed(0)} s`,
      ]);
    else {
      const torch = r.pytorch[0];
      rows.push([
        `train ${r.network}, batch ${r.batch}`,
        `${r.imagesPerSecond.toFixed(0)} images/s`,
        [
          `${r.msPerStep.toFixed(2)} ms/step`,
          r.dispatchesPerStep === null ? '' : `${r.dispatchesPerStep} dispatches/step`,
          torch
            ? `PyTorch ${torch.device}: ${torch.imagesPerSecond.toFixed(0)} images/s, ratio ${torch.ratio.toFixed(2)}`
            : 'no PyTorch',
        ]
          .filter(Boolean)
          .join('; '),
      ]);
    }
  }
  console.log(
    rows
      .map((row, i) => `| ${row.join(' | ')} |${i === 0 ? `\n|${row.map(() => ' --- ').join('|')}|` : ''}`)
      .join('\n'),
  );
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'probe':
      await probe(args);
      return 0;
    case 'parity':
      return (await parity(args)) ? 0 : 1;
    case 'train':
      // The benchmark reads its flags from process.argv and exits by itself.
      process.argv = [process.argv[0], 'train-throughput', ...args];
      require('../train-throughput');
      return new Promise<number>(() => undefined);
    case 'table':
      table(args);
      return 0;
    default:
      console.error('usage: gradlab-gpu.js probe|parity|train|table ...');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`gpu-check failed: ${error.message}`);
    process.exit(1);
  },
);
