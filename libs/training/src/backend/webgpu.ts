import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** The adapter the webgpu backend computes on, as the worker's log and the run's record name it. */
export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  /** The device's name (Dawn fills it in where the driver tells; llvmpipe on Mesa's software renderer). */
  device: string;
  description: string;
  /** Dawn's backend: vulkan on a GPU driver, opengles on EGL (and on Mesa's software renderer). */
  backendType: DawnBackend;
  /** A CPU rasteriser posing as a GPU (llvmpipe, lavapipe, SwiftShader): slower than wasm, never picked by itself. */
  software: boolean;
}

export type DawnBackend = 'vulkan' | 'opengles';

export interface WebGpuOptions {
  /** Take a software adapter too (TF_BACKEND=webgpu forces it; the automatic choice never does). */
  allowSoftware: boolean;
}

/**
 * Where Dawn is asked for an adapter, best first: Vulkan at WebGPU's core feature level (NVIDIA's, AMD's and
 * Intel's drivers), then OpenGL ES through EGL at the compatibility level (a GPU without Vulkan, and Mesa's
 * software renderer, which Dawn accepts where it rejects lavapipe).
 */
const DAWN_BACKENDS: { backend: DawnBackend; featureLevel: 'core' | 'compatibility'; loader: string }[] = [
  { backend: 'vulkan', featureLevel: 'core', loader: 'libvulkan.so.1' },
  { backend: 'opengles', featureLevel: 'compatibility', loader: 'libEGL.so.1' },
];

const SOFTWARE_RENDERERS = /llvmpipe|softpipe|lavapipe|swiftshader|software/i;

/**
 * One line, for a log or a run's record: `NVIDIA H100 80GB HBM3 (nvidia hopper; NVIDIA: 580.65.06), Dawn
 * vulkan`, or `llvmpipe-llvm-15-0-6-256-bits- (OpenGL version OpenGL ES 3.2 Mesa 22.3.6), Dawn opengles,
 * software renderer`.
 */
export function describeWebGpuAdapter(adapter: WebGpuAdapter): string {
  const name = adapter.device || adapter.description || 'unnamed adapter';
  const maker = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ');
  const details = [maker, adapter.description !== name ? adapter.description : ''].filter(Boolean);
  return `${name}${details.length ? ` (${details.join('; ')})` : ''}, Dawn ${adapter.backendType}${adapter.software ? ', software renderer' : ''}`;
}

export function isSoftwareAdapter(info: {
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}): boolean {
  return Boolean(info.isFallbackAdapter) || SOFTWARE_RENDERERS.test(`${info.device ?? ''} ${info.description ?? ''}`);
}

let active: WebGpuAdapter | null = null;

/** The adapter the webgpu backend runs on, once it has started in this process. */
export function activeWebGpuAdapter(): WebGpuAdapter | null {
  return active;
}

/** Raised when the packages are there but no adapter will do; its message is the reason, in one line. */
export class NoWebGpuAdapterError extends Error {}

/**
 * Starts TensorFlow.js's webgpu backend on Dawn's Node bindings (the npm package `webgpu`, its prebuilt
 * dawn.node): finds an adapter, refuses a software one unless allowed, registers the backend on a device made
 * with the adapter's limits, and makes it the active backend. Both packages are optional dependencies: a
 * missing one throws MODULE_NOT_FOUND, which selectBackend reports in one line.
 */
export async function startWebGpu(options: WebGpuOptions): Promise<WebGpuAdapter> {
  const dawn = loadDawn();
  // Mesa's EGL needs no display server when told so; a GPU driver's EGL ignores it.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  // The constants tfjs-backend-webgpu reads as globals (GPUBufferUsage, GPUMapMode, ...).
  Object.assign(globalThis, dawn.globals);

  const refused: string[] = [];
  for (const { backend, featureLevel, loader } of DAWN_BACKENDS) {
    // Asked without its loader, Dawn only prints a warning; the reason is clearer, and the log quieter, this way.
    if (process.platform === 'linux' && !findSharedLibrary(loader)) {
      refused.push(
        `${backend}: ${loader} not found (${backend === 'vulkan' ? 'libvulkan1' : 'libegl1'} and the GPU driver's ICD)`,
      );
      continue;
    }
    const gpu = dawn.create([`backend=${backend}`]);
    const adapter = await gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' });
    if (!adapter) {
      refused.push(`${backend}: no adapter`);
      continue;
    }
    const info = adapter.info;
    const described: WebGpuAdapter = {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      backendType: backend,
      software: isSoftwareAdapter(info),
    };
    if (described.software && !options.allowSoftware) {
      refused.push(
        `${backend}: only a software renderer (${info.device || info.description}), slower than wasm; TF_BACKEND=webgpu takes it`,
      );
      continue;
    }
    await registerWebGpuBackend(gpu, adapter);
    active = described;
    return described;
  }
  throw new NoWebGpuAdapterError(`no WebGPU adapter: ${refused.join('; ')}`);
}

/** Where the dynamic loader looks: LD_LIBRARY_PATH, then the system's library folders. */
export function findSharedLibrary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const folders = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    `/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/lib64',
    '/lib',
    '/usr/local/lib',
  ];
  for (const folder of folders) {
    const file = path.join(folder, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/**
 * The parts of Dawn's WebGPU this file uses, declared here: the @webgpu/types that tfjs-backend-webgpu 4.22
 * brings predate adapter.info and feature levels.
 */
interface Dawn {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

interface DawnGpu {
  requestAdapter(options: {
    featureLevel: 'core' | 'compatibility';
    powerPreference: 'high-performance';
  }): Promise<DawnAdapter | null>;
}

interface DawnAdapter {
  info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  features: Set<string>;
  limits: Record<string, number>;
  requestDevice(descriptor: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<GPUDevice>;
}

/**
 * dawn.node itself, not the package's ES module entry, which Jest and the CommonJS bundle cannot load;
 * the entry adds only a buffer-unmapping fix for GPUDevice.destroy, which the backend never calls.
 */
function loadDawn(): Dawn {
  const root = path.dirname(require.resolve('webgpu/package.json'));
  return require(path.join(root, 'dist', `${process.platform}-${process.arch}`, 'dawn.node')) as Dawn;
}

async function registerWebGpuBackend(gpu: DawnGpu, adapter: DawnAdapter): Promise<void> {
  // Loaded before navigator.gpu is set: the package registers its own factory at load when it finds one,
  // which would ask for the default adapter, not this one.
  const { WebGPUBackend } =
    require('@tensorflow/tfjs-backend-webgpu') as typeof import('@tensorflow/tfjs-backend-webgpu');
  // The backend's constructor checks navigator.gpu. Node 20 has no navigator; later versions have one with
  // a getter only, so it is defined rather than assigned.
  const navigator = { ...((globalThis as { navigator?: object }).navigator ?? {}), gpu };
  Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true });
  // The same device the package's own factory asks for: the adapter's largest buffers and workgroups, and
  // timestamp queries where there are any (tf.profile's kernel times).
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  if ('webgpu' in tf.engine().registryFactory) tf.removeBackend('webgpu'); // one started earlier in this process
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info as never), 3);
}
