import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { kernelProviders } from './kernel-registry';
import { loadOneDnn, ONEDNN_INSTALL_HINT } from './onednn-addon';
import { ONEDNN_KERNELS, registerOneDnnWasmKernels } from './wasm-onednn-kernels';

// Each kernel against the cpu backend's, on shapes drawn from a seeded generator: odd sizes, strides 1-3,
// 'same', 'valid' and explicit padding, dilation in the forward pass. CI installs libdnnl-dev, so the addon
// is built there; on a machine without it this suite fails and says what to install.

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const next = random(20261205);
const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
const values = (n: number) => Float32Array.from({ length: n }, () => next() * 2 - 1);

type Pad = 'same' | 'valid' | number;
interface Case {
  batch: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  stride: [number, number];
  pad: Pad;
  dilation: [number, number];
}

function drawCase(i: number): Case {
  const pad: Pad = (['same', 'valid', int(0, 2)] as const)[i % 3];
  // A numeric padding with a non-square filter or stride: see the last test.
  const square = typeof pad === 'number';
  const kh = int(1, 5);
  const kw = square ? kh : int(1, 5);
  const dilation: [number, number] = i % 4 === 3 ? [2, square ? 2 : int(1, 2)] : [1, 1];
  const sh = dilation[0] > 1 ? 1 : int(1, 3);
  const stride: [number, number] = [sh, square || dilation[0] > 1 ? sh : int(1, 3)];
  // the input is at least as large as the dilated filter, so 'valid' has an output
  const h = int((kh - 1) * dilation[0] + 1, 13);
  const w = int((kw - 1) * dilation[1] + 1, 13);
  return { batch: int(1, 4), h, w, ci: int(1, 9), co: int(1, 9), kh, kw, stride, pad, dilation };
}
const CASES = Array.from({ length: 24 }, (_, i) => drawCase(i));
const ones = (shape: [number, number, number, number]) => tf.ones(shape) as tf.Tensor4D;
const describeCase = (c: Case) =>
  `x ${c.batch}x${c.h}x${c.w}x${c.ci}, filter ${c.kh}x${c.kw}x${c.ci}x${c.co}, stride ${c.stride}, pad ${c.pad}, dilation ${c.dilation}`;

async function onBackend(name: 'cpu' | 'wasm', kernel: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  return tf.tidy(kernel).data() as Promise<Float32Array>;
}

/** Float32 sums in different orders differ by rounding: compared relative to the result's largest value. */
function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  if (worst > 1e-5 * scale) throw new Error(`${what}: largest difference ${worst} (scale ${scale})`);
}

beforeAll(async () => {
  try {
    loadOneDnn();
  } catch (error) {
    throw new Error(`${(error as Error).message}\nThese tests need the addon: ${ONEDNN_INSTALL_HINT}`);
  }
  registerOneDnnWasmKernels(1);
  await tf.setBackend('wasm');
});

describe('oneDNN kernels on the wasm backend', () => {
  it("come first for the wasm backend kernels it names, before the backend's own where it has one", () => {
    expect(kernelProviders('Conv2D', 'wasm')).toEqual(['onednn', 'backend']);
    expect(kernelProviders('Conv2DBackpropInput', 'wasm')).toEqual(['onednn', 'backend']);
    expect(kernelProviders('Conv2DBackpropFilter', 'wasm')).toEqual(['onednn']); // wasm has none
    expect(ONEDNN_KERNELS.every((name) => kernelProviders(name, 'wasm')[0] === 'onednn')).toBe(true);
  });

  it.each(CASES.map((c) => [describeCase(c), c]))('Conv2D: %s', async (_name, c) => {
    const x = values(c.batch * c.h * c.w * c.ci);
    const filter = values(c.kh * c.kw * c.ci * c.co);
    const conv = () =>
      tf.conv2d(
        tf.tensor4d(x, [c.batch, c.h, c.w, c.ci]),
        tf.tensor4d(filter, [c.kh, c.kw, c.ci, c.co]),
        c.stride,
        c.pad,
        'NHWC',
        c.dilation,
      );
    expectClose(await onBackend('wasm', conv), await onBackend('cpu', conv), describeCase(c));
  });

  it.each(CASES.filter((c) => c.dilation[0] === 1 && c.dilation[1] === 1).map((c) => [describeCase(c), c]))(
    'Conv2DBackpropInput and Conv2DBackpropFilter: %s',
    async (_name, c) => {
      const xShape: [number, number, number, number] = [c.batch, c.h, c.w, c.ci];
      const filterShape: [number, number, number, number] = [c.kh, c.kw, c.ci, c.co];
      const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, c.stride, 1, c.pad);
      const dy = values(tf.util.sizeFromShape(info.outShape));
      const x = values(tf.util.sizeFromShape(xShape));
      const filter = values(tf.util.sizeFromShape(filterShape));
      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
      const dyTensor = () => tf.tensor4d(dy, info.outShape);
      const inputGradient = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: dyTensor(), filter: tf.tensor4d(filter, filterShape) },
            { ...attrs, inputShape: xShape },
          ) as tf.Tensor;
      const filterGradient = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor4d(x, xShape), dy: dyTensor() },
            { ...attrs, filterShape },
          ) as tf.Tensor;
      expectClose(await onBackend('wasm', inputGradient), await onBackend('cpu', inputGradient), 'dx');
      expectClose(await onBackend('wasm', filterGradient), await onBackend('cpu', filterGradient), 'dfilter');
    },
  );

  it('creates one primitive per kernel and shape, and reuses it', async () => {
    const addon = loadOneDnn();
    await tf.setBackend('wasm');
    const conv = () => tf.tidy(() => tf.conv2d(ones([2, 7, 5, 3]), ones([3, 3, 3, 4]), 1, 'same').dataSync());
    conv();
    const after = addon.cachedPrimitives();
    conv();
    conv();
    expect(addon.cachedPrimitives()).toBe(after);
    tf.tidy(() => tf.conv2d(ones([2, 9, 5, 3]), ones([3, 3, 3, 4]), 1, 'same').dataSync());
    expect(addon.cachedPrimitives()).toBe(after + 1);
  });

  it("leaves to the backend's own kernel a geometry TensorFlow.js sizes wrongly (numeric padding, non-square filter)", async () => {
    const addon = loadOneDnn();
    const before = addon.cachedPrimitives();
    const y = await onBackend('wasm', () => tf.conv2d(ones([1, 3, 7, 3]), ones([2, 4, 3, 6]), 1, 2));
    expect(y.length).toBe(6 * 10 * 6); // the width from the filter's height, as TensorFlow.js sizes it
    expect(addon.cachedPrimitives()).toBe(before);
  });

  it('rejects a view of the wrong length instead of reading past it', () => {
    const addon = loadOneDnn();
    const geometry = [1, 4, 4, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1] as const;
    expect(() =>
      addon.conv2dForward(new Float32Array(15), new Float32Array(9), new Float32Array(16), [...geometry]),
    ).toThrow('conv2dForward(x, filter, y, geometry): argument 1 (x): expected 16 elements, got 15');
  });
});
