import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { describeDevice, parseNvidiaSmi } from './describe-device';
import { describeWebGpuAdapter, findSharedLibrary, isSoftwareAdapter } from './webgpu';

describe('describeDevice', () => {
  it("names each GPU and its memory from nvidia-smi's CSV", () => {
    expect(parseNvidiaSmi('NVIDIA H200, 143771 MiB\nTesla T4, 15360 MiB\n')).toEqual([
      'NVIDIA H200 (143771 MiB)',
      'Tesla T4 (15360 MiB)',
    ]);
    expect(describeDevice('tfjs-node-gpu', () => ['Tesla T4 (15360 MiB)'])).toBe('GPU Tesla T4 (15360 MiB)');
  });

  it('says so when the GPU cannot be named', () => {
    expect(describeDevice('tfjs-node-gpu', () => [])).toBe('GPU (nvidia-smi not found: name and memory unknown)');
  });

  it("gives the CPU's cores, the memory and the backend's threads otherwise", () => {
    const line = describeDevice('cpu');
    expect(line).toContain(`${os.availableParallelism()} cores`);
    expect(line).toMatch(/\d+ GiB RAM; 1 thread \(pure JavaScript\)$/);
    expect(describeDevice('tfjs-node')).toContain('one thread per core');
  });
});

describe('the WebGPU adapter, as a log and a run name it', () => {
  it('names a GPU by its device, vendor and architecture, and the driver, with the backend Dawn uses', () => {
    const adapter = {
      vendor: 'nvidia',
      architecture: 'hopper',
      device: 'NVIDIA H100 80GB HBM3',
      description: 'NVIDIA: 580.159.04',
      backendType: 'vulkan' as const,
    };
    expect(describeWebGpuAdapter({ ...adapter, software: false })).toBe(
      'NVIDIA H100 80GB HBM3 (nvidia hopper; NVIDIA: 580.159.04), Dawn vulkan',
    );
  });

  it('says so when the adapter is a software renderer, and tells them apart from GPUs', () => {
    const llvmpipe = {
      device: 'llvmpipe-llvm-15-0-6-256-bits-',
      description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
    };
    expect(isSoftwareAdapter(llvmpipe)).toBe(true);
    expect(
      describeWebGpuAdapter({ vendor: '', architecture: '', ...llvmpipe, backendType: 'opengles', software: true }),
    ).toBe(
      'llvmpipe-llvm-15-0-6-256-bits- (OpenGL version OpenGL ES 3.2 Mesa 22.3.6), Dawn opengles, software renderer',
    );
    for (const device of ['llvmpipe (LLVM 15.0.6, 256 bits)', 'lavapipe', 'SwiftShader Device (Subzero)'])
      expect(isSoftwareAdapter({ device })).toBe(true);
    expect(isSoftwareAdapter({ device: 'Intel(R) Arc(tm) A770', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ device: 'NVIDIA H200', description: 'NVIDIA: 580.159.03' })).toBe(false);
  });

  it('looks for a loader library on LD_LIBRARY_PATH first, then in the system folders', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-lib-'));
    writeFileSync(path.join(dir, 'libgradlab-test.so.1'), '');
    expect(findSharedLibrary('libgradlab-test.so.1', { LD_LIBRARY_PATH: `/nonexistent:${dir}` })).toBe(
      path.join(dir, 'libgradlab-test.so.1'),
    );
    expect(findSharedLibrary('libgradlab-test.so.1', {})).toBeNull();
    expect(findSharedLibrary('libc.so.6', {})).toMatch(/libc\.so\.6$/);
  });
});
