import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { GRADLAB_KERNELS } from '@gradlab/contracts';
import {
  registerNativeAdamStep,
  registerNativeBatchNormKernels,
  registerNativeLeakyReluGrad,
} from './wasm-elementwise-kernels';

// Each batch-norm kernel against the definition computed here in float64, on an odd shape with values of
// both signs; the backward kernels also against the general path's formula.
const NAMES = {
  moments: GRADLAB_KERNELS.batchNormMoments,
  normalize: GRADLAB_KERNELS.batchNormNormalize,
  gradSum: GRADLAB_KERNELS.batchNormGradSum,
  inputGrad: GRADLAB_KERNELS.batchNormInputGrad,
  runningUpdate: GRADLAB_KERNELS.batchNormRunningUpdate,
};
const SHAPE: [number, number, number, number] = [3, 5, 7, 6];
const [N, H, W, C] = SHAPE;
const ROWS = N * H * W;
const EPSILON = 1e-5;
const values = (n: number, salt: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + salt) * (1 + (i % 3)) + 0.25 * salt);

const x = values(ROWS * C, 1);
const dy = values(ROWS * C, 2);
const gamma = Float32Array.from({ length: C }, (_, c) => 0.5 + c / 4);
const beta = Float32Array.from({ length: C }, (_, c) => c / 10 - 0.2);

// The float64 definitions.
const mean = Array.from({ length: C }, (_, c) => sumRows((r) => x[r * C + c]) / ROWS);
const variance = Array.from({ length: C }, (_, c) => sumRows((r) => (x[r * C + c] - mean[c]) ** 2) / ROWS);
const invStd = variance.map((v) => 1 / Math.sqrt(v + EPSILON));
const xhat = (i: number) => (x[i] - mean[i % C]) * invStd[i % C];
const dBeta = Array.from({ length: C }, (_, c) => sumRows((r) => dy[r * C + c]));
const dGamma = Array.from({ length: C }, (_, c) => sumRows((r) => dy[r * C + c] * xhat(r * C + c)));

function sumRows(term: (r: number) => number): number {
  let sum = 0;
  for (let r = 0; r < ROWS; r++) sum += term(r);
  return sum;
}

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): Float32Array {
  return tf.tidy(() =>
    (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dataSync(),
  ) as Float32Array;
}

function expectClose(actual: ArrayLike<number>, expected: (i: number) => number, relative: number): void {
  for (let i = 0; i < actual.length; i++) {
    const want = expected(i);
    if (Math.abs(actual[i] - want) > relative * Math.max(1, Math.abs(want)))
      throw new Error(`element ${i}: ${actual[i]}, expected ${want}`);
  }
}

beforeAll(async () => {
  registerNativeBatchNormKernels();
  registerNativeLeakyReluGrad();
  registerNativeAdamStep();
  await tf.setBackend('wasm');
});

describe('batch-norm and leaky_relu kernels on the wasm backend', () => {
  const moments = () => tf.tensor2d([...mean, ...variance], [2, C]);

  it('moments: the mean and the biased variance per channel', () => {
    const out = run(NAMES.moments, { x: tf.tensor4d(x, SHAPE) });
    expect(out.length).toBe(2 * C);
    expectClose(out, (i) => (i < C ? mean[i] : variance[i - C]), 1e-6);
  });

  it('normalize: (x - mean) / sqrt(var + eps) * gamma + beta', () => {
    const out = run(
      NAMES.normalize,
      { x: tf.tensor4d(x, SHAPE), moments: moments(), gamma: tf.tensor1d(gamma), beta: tf.tensor1d(beta) },
      { epsilon: EPSILON },
    );
    expectClose(out, (i) => xhat(i) * gamma[i % C] + beta[i % C], 1e-5);
  });

  it('gradSum: sum dy (beta) and sum dy * xhat (gamma) per channel', () => {
    const inputs = () => ({ dy: tf.tensor4d(dy, SHAPE), x: tf.tensor4d(x, SHAPE), moments: moments() });
    expectClose(run(NAMES.gradSum, inputs(), { epsilon: EPSILON, which: 'beta' }), (c) => dBeta[c], 1e-5);
    expectClose(run(NAMES.gradSum, inputs(), { epsilon: EPSILON, which: 'gamma' }), (c) => dGamma[c], 1e-5);
  });

  it("inputGrad: PyTorch's analytic backward, gamma / sqrt(var + eps) / n * (n dy - dBeta - xhat dGamma)", () => {
    const out = run(
      NAMES.inputGrad,
      {
        dy: tf.tensor4d(dy, SHAPE),
        x: tf.tensor4d(x, SHAPE),
        moments: moments(),
        gamma: tf.tensor1d(gamma),
        dBeta: tf.tensor1d(dBeta),
        dGamma: tf.tensor1d(dGamma),
      },
      { epsilon: EPSILON },
    );
    const c = (i: number) => i % C;
    expectClose(
      out,
      (i) => ((gamma[c(i)] * invStd[c(i)]) / ROWS) * (ROWS * dy[i] - dBeta[c(i)] - xhat(i) * dGamma[c(i)]),
      1e-4,
    );
  });

  it("runningUpdate: (1 - m) running + m scale row, PyTorch's running statistics", () => {
    const running = Float32Array.from({ length: C }, (_, c) => 1 + c);
    const out = run(
      NAMES.runningUpdate,
      { running: tf.tensor1d(running), moments: moments() },
      { row: 1, momentum: 0.1, scale: ROWS / (ROWS - 1) },
    );
    expectClose(out, (c) => 0.9 * running[c] + 0.1 * variance[c] * (ROWS / (ROWS - 1)), 1e-6);
  });

  it('leaky_relu gradient: exactly dy where x > 0 and float32(alpha * dy) elsewhere, NaN where x is', () => {
    const xs = Float32Array.from(x, (v, i) => (i % 11 === 0 ? 0 : i === 5 ? NaN : v));
    const out = run(
      GRADLAB_KERNELS.leakyReluGrad,
      { dy: tf.tensor4d(dy, SHAPE), x: tf.tensor4d(xs, SHAPE) },
      { alpha: 0.01 },
    );
    const alpha = Math.fround(0.01);
    out.forEach((value, i) =>
      expect(value).toBe(Number.isNaN(xs[i]) ? NaN : xs[i] > 0 ? dy[i] : Math.fround(alpha * dy[i])),
    );
  });

  it.each([0, 1e-4])(
    "Adam's step (weight decay %s): every operation rounded to float32 in TorchAdam's order, bit for bit",
    (weightDecay) => {
      const f = Math.fround;
      const size = 257;
      const [param, m, v, grad] = [3, 4, 5, 6].map((salt) => values(size, salt));
      const vs = v.map((x) => Math.abs(x));
      const attrs = {
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        weightDecay,
        stepSize: 1e-3 / (1 - 0.9 ** 3),
        sqrtBiasCorrection2: Math.sqrt(1 - 0.999 ** 3),
      };
      const outputs = tf.tidy(() =>
        (
          tf.engine().runKernel(
            GRADLAB_KERNELS.adamStep,
            {
              param: tf.tensor1d(param),
              m: tf.tensor1d(m),
              v: tf.tensor1d(vs),
              grad: tf.tensor1d(grad),
            },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[]
        ).map((t) => t.dataSync()),
      );
      for (let i = 0; i < size; i++) {
        const g = weightDecay ? f(grad[i] + f(param[i] * f(weightDecay))) : grad[i];
        const first = f(f(m[i] * f(0.9)) + f(g * f(1 - 0.9)));
        const second = f(f(vs[i] * f(0.999)) + f(f(g * g) * f(1 - 0.999)));
        const denominator = f(f(f(Math.sqrt(second)) / f(attrs.sqrtBiasCorrection2)) + f(1e-8));
        expect([outputs[0][i], outputs[1][i], outputs[2][i]]).toEqual([
          first,
          second,
          f(param[i] - f(f(first / denominator) * f(attrs.stepSize))),
        ]);
      }
    },
  );

  it('rejects a moments tensor of the wrong size, naming it', () => {
    expect(() =>
      run(
        NAMES.normalize,
        {
          x: tf.tensor4d(x, SHAPE),
          moments: tf.zeros([2, C + 1]),
          gamma: tf.tensor1d(gamma),
          beta: tf.tensor1d(beta),
        },
        { epsilon: EPSILON },
      ),
    ).toThrow(`argument 2 (moments): expected ${2 * C} elements, got ${2 * (C + 1)}`);
  });
});
