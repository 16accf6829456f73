import os from 'node:os';
import { describeDevice, parseNvidiaSmi } from './describe-device';

describe('describeDevice', () => {
  it("names each GPU and its memory from nvidia-smi's CSV", () => {
    expect(parseNvidiaSmi('NVIDIA H200, 143771 MiB\nTesla T4, 15360 MiB\n')).toEqual(['NVIDIA H200 (143771 MiB)', 'Tesla T4 (15360 MiB)']);
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
