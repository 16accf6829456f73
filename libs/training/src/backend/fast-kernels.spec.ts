import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend';

// Values with zeros, both signs and a wide range of magnitudes.
const values = (n: number, salt: number) =>
  Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i * 0.73 + salt) * 10 ** ((i % 5) - 2)));
const ALPHA = 0.01;

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('wasm kernels gradlab replaces', () => {
  it('leaky_relu and its gradient give exactly the definition, in float32', async () => {
    const shape: [number, number, number, number] = [2, 5, 4, 6];
    const xs = values(240, 1);
    const dys = values(240, 2);
    const x = tf.tensor4d(xs, shape);
    const dy = tf.tensor4d(dys, shape);
    const y = await tf.leakyRelu(x, ALPHA).data();
    const dx = await tf
      .grad((input: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(input, ALPHA), dy)))(x)
      .data();
    const alpha = Math.fround(ALPHA);
    xs.forEach((v, i) => {
      expect(y[i]).toBe(v < 0 ? Math.fround(alpha * v) : v);
      expect(dx[i]).toBe(v > 0 ? dys[i] : Math.fround(alpha * dys[i]));
    });
  });

  it('the 2x2 average pool gradient spreads a quarter of each window gradient, as the cpu backend does', async () => {
    const xShape: [number, number, number, number] = [2, 8, 6, 3];
    const dy = values(2 * 4 * 3 * 3, 3);
    const gradient = async () =>
      tf
        .grad((input: tf.Tensor) =>
          tf.sum(tf.mul(tf.avgPool(input as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d(dy, [2, 4, 3, 3]))),
        )(tf.zeros(xShape))
        .data();
    const wasm = await gradient();
    await selectBackend('cpu');
    const cpu = await gradient();
    await selectBackend('wasm');
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    // and by definition: input pixel (r, c) gets dy of its window / 4
    expect(wasm[((1 * 8 + 5) * 6 + 3) * 3 + 2]).toBeCloseTo(dy[((1 * 4 + 2) * 3 + 1) * 3 + 2] / 4, 7);
  });
});
