import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { loadOneDnn } from '@gradlab/native-kernels';
import type { BackendName } from './select-backend';
import { wasmThreadCount } from './wasm-threads';
import { activeWebGpuAdapter, describeWebGpuAdapter } from './webgpu';

/**
 * Whether the backend computes on a software renderer (webgpu on Mesa's llvmpipe, or a fallback adapter): no
 * GPU, whatever the adapter calls itself, so its worker serves the cpu pool (poolOfBackend).
 */
export function onSoftwareAdapter(backend: BackendName): boolean {
  return backend === 'webgpu' && (activeWebGpuAdapter()?.software ?? false);
}

/** The GPUs nvidia-smi reports, as `name (memory)`; none when it is missing or fails. */
export type GpuProbe = () => string[];

/**
 * One line on what a backend computes with, for a worker's start-up log and the runs it trains: the GPU's name
 * and memory for tfjs-node-gpu (from nvidia-smi: TensorFlow.js does not expose them), the adapter for webgpu
 * (vendor, architecture, device and Dawn's backend, as the driver tells them), otherwise the CPU, its cores,
 * the memory and how many threads the backend uses.
 */
export function describeDevice(backend: BackendName, probeGpus: GpuProbe = nvidiaSmiGpus): string {
  const cpu = `${os.cpus()[0]?.model.trim() || 'unknown CPU'}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`;
  switch (backend) {
    case 'tfjs-node-gpu': {
      const gpus = probeGpus();
      return gpus.length ? `GPU ${gpus.join('; ')}` : 'GPU (nvidia-smi not found: name and memory unknown)';
    }
    case 'webgpu': {
      const adapter = activeWebGpuAdapter();
      return adapter ? `GPU ${describeWebGpuAdapter(adapter)}` : 'GPU (the webgpu backend has not started)';
    }
    case 'tfjs-node':
      return `CPU ${cpu}; libtensorflow's thread pools (one thread per core)`;
    case 'wasm': {
      const threads = wasmThreadCount();
      return `CPU ${cpu}; ${threads} wasm thread${threads === 1 ? '' : 's'}`;
    }
    case 'wasm+onednn': {
      const threads = wasmThreadCount();
      return `CPU ${cpu}; ${threads} wasm thread${threads === 1 ? '' : 's'}, convolutions by oneDNN ${oneDnnVersion()} on as many`;
    }
    case 'cpu':
      return `CPU ${cpu}; 1 thread (pure JavaScript)`;
  }
}

function oneDnnVersion(): string {
  try {
    return loadOneDnn().version();
  } catch {
    return '(not loaded)';
  }
}

/** nvidia-smi's CSV (`NVIDIA H200, 143771 MiB`) as `NVIDIA H200 (143771 MiB)`, one per GPU. */
export function parseNvidiaSmi(csv: string): string[] {
  return csv
    .split('\n')
    .map((line) => line.split(',').map((field) => field.trim()))
    .filter(([name]) => name)
    .map(([name, memory]) => (memory ? `${name} (${memory})` : name));
}

function nvidiaSmiGpus(): string[] {
  try {
    return parseNvidiaSmi(
      execFileSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'], {
        timeout: 5000,
        encoding: 'utf8',
      }),
    );
  } catch {
    return [];
  }
}
