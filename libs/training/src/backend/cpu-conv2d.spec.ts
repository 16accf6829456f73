import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend';

/** conv2d in float64, straight from the definition (NHWC input, [kh, kw, in, out] filter). */
function referenceConv(
  x: Float32Array,
  xShape: number[],
  w: Float32Array,
  wShape: number[],
  stride: number,
  dilation: number,
  pad: [number, number],
  out: [number, number],
): Float64Array {
  const [n, h, wd, ci] = xShape;
  const [kh, kw, , co] = wShape;
  const y = new Float64Array(n * out[0] * out[1] * co);
  for (let b = 0; b < n; b++)
    for (let r = 0; r < out[0]; r++)
      for (let c = 0; c < out[1]; c++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const xr = r * stride - pad[0] + i * dilation;
              const xc = c * stride - pad[1] + j * dilation;
              if (xr < 0 || xr >= h || xc < 0 || xc >= wd) continue;
              for (let k = 0; k < ci; k++)
                sum += x[((b * h + xr) * wd + xc) * ci + k] * w[((i * kw + j) * ci + k) * co + o];
            }
          y[((b * out[0] + r) * out[1] + c) * co + o] = sum;
        }
  return y;
}

const seq = (n: number, salt: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + salt));

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('Conv2D on the cpu backend', () => {
  it.each([
    [[2, 7, 6, 3], [3, 3, 3, 4], 1, 1, 'same', [1, 1]],
    [[2, 8, 8, 2], [3, 3, 2, 5], 2, 1, 'same', [0, 0]],
    [[1, 9, 7, 4], [3, 2, 4, 3], 1, 1, 'valid', [0, 0]],
    [[1, 9, 9, 2], [3, 3, 2, 2], 1, 2, 'valid', [0, 0]],
  ] as const)(
    'matches the definition for x %j, filter %j, stride %d, dilation %d, %s padding',
    async (xShape, wShape, stride, dilation, pad, padding) => {
      const x = seq(
        (xShape as readonly number[]).reduce((a, b) => a * b, 1),
        1,
      );
      const w = seq(
        (wShape as readonly number[]).reduce((a, b) => a * b, 1),
        2,
      );
      const y = tf.conv2d(
        tf.tensor4d(x, [...xShape] as [number, number, number, number]),
        tf.tensor4d(w, [...wShape] as [number, number, number, number]),
        stride,
        pad,
        'NHWC',
        dilation,
      );
      // 'same' with stride 2 pads bottom/right only on even sizes: padding[] is the top/left the definition needs.
      const expected = referenceConv(
        x,
        [...xShape],
        w,
        [...wShape],
        stride,
        dilation,
        [...padding] as [number, number],
        [y.shape[1], y.shape[2]],
      );
      const actual = await y.data();
      expect(actual.length).toBe(expected.length);
      expected.forEach((e, i) => expect(Math.abs(actual[i] - e)).toBeLessThan(1e-6));
    },
  );

  it('sums each output in float64 and rounds once (a float32 running sum loses the 1 here)', async () => {
    // One output, three input channels: 1e8 + 1 - 1e8.
    const x = tf.tensor4d([1e8, 1, -1e8], [1, 1, 1, 3]);
    const w = tf.ones([1, 1, 3, 1]) as tf.Tensor4D;
    expect(Array.from(await tf.conv2d(x, w, 1, 'valid').data())).toEqual([1]);
  });
});
