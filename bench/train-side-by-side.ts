import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ModelConfig } from '@gradlab/contracts';
import { timePytorch } from './pytorch';
import type { TrainThroughputResult } from './train-result';

interface SideBySideOptions {
  backends: string[];
  threads: number[];
  /** The arguments every backend's run shares (--blocks, --batch, --steps, ...). */
  sharedArgs: string[];
  models: ModelConfig[];
  batch: number;
  steps: number;
  warmup: number;
  pytorchPython: string | null;
}

/**
 * Several backends or thread counts in one run: a backend is chosen once per process, so each (threads,
 * backend) is bench:train again in a process of its own (its output shown as it goes), then PyTorch on the
 * CPU at each thread count, and one table of images/s with each figure's ratio to PyTorch at equal threads.
 */
export function benchSideBySide(options: SideBySideOptions): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-train-'));
  const results = new Map<string, TrainThroughputResult[]>();
  try {
    for (const threads of options.threads)
      for (const backend of options.backends) {
        const json = path.join(dir, `${backend}-${threads}.json`);
        console.log(`\n=== ${backend}, ${threads} thread${threads > 1 ? 's' : ''}`);
        const child = spawnSync(
          process.execPath,
          [
            '-r',
            '@swc-node/register',
            path.join(__dirname, 'train-throughput.ts'),
            ...options.sharedArgs,
            '--backend',
            backend,
            '--threads',
            String(threads),
            '--json',
            json,
          ],
          { stdio: 'inherit' },
        );
        if (child.status !== 0) throw new Error(`bench:train on ${backend} with ${threads} threads failed`);
        results.set(`${backend}/${threads}`, JSON.parse(readFileSync(json, 'utf8')) as TrainThroughputResult[]);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // PyTorch as the course framework runs it (NCHW), and in channels-last, its fastest CPU layout here: best
  // of three runs each, as the machine is shared (one run of the same command varied up to 3x).
  const layouts = ['nchw', 'channels-last'] as const;
  const pytorch = new Map<string, number>();
  if (options.pytorchPython)
    for (const threads of options.threads)
      options.models.forEach((model, i) => {
        for (const layout of layouts) {
          const runs = [0, 1, 2].map(
            () =>
              timePytorch(options.pytorchPython as string, {
                model,
                batch: options.batch,
                steps: options.steps,
                warmup: options.warmup,
                threads,
                device: 'cpu',
                layout,
              }).seconds,
          );
          pytorch.set(`${i}/${threads}/${layout}`, (options.batch * options.steps) / Math.min(...runs));
        }
      });

  const withTorch = Boolean(options.pytorchPython);
  const header = [
    'network',
    'threads',
    ...options.backends,
    ...(withTorch ? ['PyTorch NCHW', 'PyTorch channels-last'] : []),
  ];
  const rows = options.models.flatMap((_, i) =>
    options.threads.map((threads) => {
      const torch = layouts.map((layout) => pytorch.get(`${i}/${threads}/${layout}`) ?? NaN);
      const cell = (ips: number) =>
        `${ips.toFixed(1)}${withTorch ? ` (${torch.map((t) => (ips / t).toFixed(2)).join(' / ')})` : ''}`;
      const first = results.get(`${options.backends[0]}/${threads}`)?.[i];
      return [
        first?.network.split(' (')[0] ?? `network ${i}`,
        String(threads),
        ...options.backends.map((b) => cell(results.get(`${b}/${threads}`)?.[i].imagesPerSecond ?? NaN)),
        ...(withTorch ? torch.map((t) => t.toFixed(1)) : []),
      ];
    }),
  );
  console.log(
    `\nimages/s, batch ${options.batch}, ${options.steps} steps${withTorch ? '; in brackets the ratio to PyTorch on the CPU at equal threads, NCHW / channels-last, measured in this run (best of 3 each)' : ''}:`,
  );
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const row of [header, ...rows]) console.log(`  ${row.map((v, c) => v.padEnd(widths[c])).join('  ')}`);
}
