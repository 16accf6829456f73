import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend';

/** Filter gradients of conv2d computed on `backend` for the given problem. */
async function filterGradient(
  backend: 'cpu' | 'wasm',
  xShape: number[],
  filterShape: number[],
  strides: number,
  pad: 'same' | 'valid',
): Promise<Float32Array> {
  await selectBackend(backend);
  const x = tf.tensor4d(seq(xShape, 1), xShape as [number, number, number, number]);
  const w = tf.tensor4d(seq(filterShape, 2), filterShape as [number, number, number, number]);
  const g = tf.grad((filter: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, filter as tf.Tensor4D, strides, pad))))(w);
  const out = (await g.data()) as Float32Array;
  tf.dispose([x, w, g]);
  return out;
}

function seq(shape: number[], salt: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + salt));
}

describe('Conv2DBackpropFilter on wasm', () => {
  it.each([
    [[4, 8, 8, 3], [3, 3, 3, 5], 1, 'same'],
    [[2, 9, 7, 4], [3, 3, 4, 2], 1, 'valid'],
    [[3, 8, 8, 2], [3, 3, 2, 3], 2, 'same'],
    [[2, 8, 8, 6], [3, 3, 6, 4], 1, 'same'],
  ] as const)(
    'agrees with the cpu backend for x %j, filter %j, stride %d, %s padding',
    async (xShape, filterShape, strides, pad) => {
      const cpu = await filterGradient('cpu', [...xShape], [...filterShape], strides, pad);
      const wasm = await filterGradient('wasm', [...xShape], [...filterShape], strides, pad);
      expect(wasm.length).toBe(cpu.length);
      const scale = Math.max(...cpu.map(Math.abs));
      for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i] - cpu[i])).toBeLessThan(1e-4 * scale);
    },
  );
});
