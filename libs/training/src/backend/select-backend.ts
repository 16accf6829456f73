import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle registers no gradient functions; the @tensorflow/tfjs bundle registers them all
// (and the cpu backend) on the same tfjs-core.
import '@tensorflow/tfjs';
import {
  provideKernel,
  registerNativeAdamStep,
  registerNativeBatchNormKernels,
  registerNativeLeakyReluGrad,
  registerOneDnnWasmKernels,
} from '@gradlab/native-kernels';
import { registerFastAvgPoolGrad } from './avg-pool-grad';
import { registerConv2DBackpropFilter } from './conv2d-backprop-filter';
import { registerFastConv2DBackpropInput } from './conv2d-backprop-input';
import { registerPreciseCpuConv2D } from './cpu-conv2d';
import { registerFastLeakyRelu, registerLeakyReluGradient } from './leaky-relu';
import { withWasmThreads, MAX_WASM_THREADS } from './wasm-threads';
import { startWebGpu } from './webgpu';
import { adamStepWebGpuConfig } from './webgpu-adam';
import { registerWebGpuBatchNorm } from './webgpu-batch-norm';
import { probeExactFma, registerWebGpuConvolutions } from './webgpu-conv2d';
import { leakyReluGradWebGpuConfig } from './webgpu-elementwise';

/** What a run records as its backend. */
export type BackendName = 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm+onednn' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCE: BackendName[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm+onednn', 'wasm', 'cpu'];

export interface BackendOptions {
  /** Threads of the wasm backend's XNNPACK pool; all the host's cores (at most 8) unless given. */
  wasmThreads?: number;
}

/** One per core, at most the 8 the wasm backend's pool takes. */
export function defaultWasmThreads(): number {
  return Math.min(MAX_WASM_THREADS, os.availableParallelism());
}

/**
 * Chooses the best backend that loads, once per process: @tensorflow/tfjs-node-gpu (an optional dependency:
 * its install downloads libtensorflow), webgpu on a hardware adapter (Dawn's prebuilt dawn.node, optional too;
 * gradlab's convolutions and fused Adam step), @tensorflow/tfjs-node (like tfjs-node-gpu), wasm+onednn (the
 * wasm backend with its convolutions run by oneDNN, from @gradlab/native-kernels' optional addon), wasm
 * (multi-threaded, with the missing Conv2DBackpropFilter kernel registered and faster Conv2DBackpropInput,
 * AvgPoolGrad and LeakyRelu), then the pure-JS cpu backend (its Conv2D summing in float64, and a faster
 * Conv2DBackpropFilter).
 * `only` forces one; a forced webgpu takes a software adapter too.
 */
export async function selectBackend(
  only?: BackendName,
  log: (line: string) => void = () => undefined,
  options: BackendOptions = {},
): Promise<BackendName> {
  const candidates = only ? [only] : BACKEND_PREFERENCE;
  registerLeakyReluGradient();
  for (const name of candidates) {
    try {
      await activate(name, { wasmThreads: options.wasmThreads ?? defaultWasmThreads(), forced: only === name });
      return name;
    } catch (error) {
      log(`backend ${name} did not load: ${whyNotLoaded(name, error as Error & { code?: string })}`);
      if (only) throw new Error(`backend ${name} could not be loaded: ${(error as Error).message}`);
    }
  }
  throw new Error('no TensorFlow.js backend could be loaded');
}

/** One line: a missing optional package is said as such; anything else is its error's first line. */
function whyNotLoaded(name: BackendName, error: Error & { code?: string }): string {
  const firstLine = error.message.split('\n')[0];
  const missing = error.code === 'MODULE_NOT_FOUND' && /Cannot find module '([^']+)'/.exec(firstLine)?.[1];
  if (name === 'webgpu' && missing) {
    const pkg = missing.startsWith('@tensorflow/') ? '@tensorflow/tfjs-backend-webgpu' : 'webgpu';
    return `${pkg} is not installed (an optional dependency, installed by npm unless told --omit=optional; webgpu brings Dawn's prebuilt dawn.node)`;
  }
  if (name === 'wasm+onednn') return firstLine; // the addon's loader says which package is missing
  if (error.code === 'MODULE_NOT_FOUND' && firstLine.includes(`'@tensorflow/${name}'`)) {
    return `@tensorflow/${name} is not installed (an optional dependency: its install downloads libtensorflow, which needs the internet${name === 'tfjs-node-gpu' ? ', and it runs only with CUDA 11.2 and cuDNN 8.1' : ''})`;
  }
  return firstLine;
}

async function activate(
  name: BackendName,
  { wasmThreads, forced }: { wasmThreads: number; forced: boolean },
): Promise<void> {
  switch (name) {
    case 'webgpu':
      // A software adapter only when forced: Mesa's renderer trains at a tenth of wasm's speed.
      await startWebGpu({ allowSoftware: forced });
      registerWebGpuConvolutions();
      provideKernel(adamStepWebGpuConfig);
      provideKernel(leakyReluGradWebGpuConfig);
      registerWebGpuBatchNorm();
      await setBackend('webgpu');
      await probeExactFma();
      return;
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      // Each registers the 'tensorflow' backend on the shared tfjs-core when it loads.
      require(`@tensorflow/${name}`);
      await setBackend('tensorflow');
      return;
    case 'wasm+onednn':
      require('@tensorflow/tfjs-backend-wasm');
      // oneDNN's pool has as many threads as the wasm backend's: they take turns, kernel by kernel.
      registerOneDnnWasmKernels(Math.min(wasmThreads, MAX_WASM_THREADS));
      registerNativeBatchNormKernels();
      registerNativeLeakyReluGrad();
      registerNativeAdamStep();
      registerFastAvgPoolGrad('wasm');
      registerFastLeakyRelu('wasm');
      await withWasmThreads(wasmThreads, () => setBackend('wasm'));
      return;
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      registerConv2DBackpropFilter('wasm');
      registerFastConv2DBackpropInput('wasm');
      registerFastAvgPoolGrad('wasm');
      registerFastLeakyRelu('wasm');
      await withWasmThreads(wasmThreads, () => setBackend('wasm'));
      return;
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      registerPreciseCpuConv2D();
      registerConv2DBackpropFilter('cpu');
      await setBackend('cpu');
      return;
  }
}

async function setBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}
