import { CPU_POOL, GPU_POOL, poolOfBackend } from './scheduling';

describe('poolOfBackend', () => {
  it('puts GPU backends in the gpu pool, and every other backend in the cpu pool', () => {
    expect(['tfjs-node-gpu', 'webgpu'].map((b) => poolOfBackend(b))).toEqual([GPU_POOL, GPU_POOL]);
    expect(['wasm', 'wasm+onednn', 'tfjs-node', 'cpu'].map((b) => poolOfBackend(b))).toEqual(Array(4).fill(CPU_POOL));
  });

  it('puts webgpu on a software or fallback adapter in the cpu pool: it is no GPU', () => {
    expect(poolOfBackend('webgpu', true)).toBe(CPU_POOL);
  });
});
