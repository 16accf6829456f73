import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { provideKernel } from '@gradlab/native-kernels';
import { COMPENSATED_ADDITION, EXACT, FlatProgram, ZERO } from './webgpu-program';

/**
 * The webgpu backend's convolutions, replaced for what the coursework network runs (NHWC float32, stride 1,
 * no dilation; anything else goes to the original kernels), for two reasons:
 * - Precision. Its kernels sum each output's products in a plain float32 loop. In the plain VGG_38 the
 *   activations shrink layer by layer until some pre-activations are the near-total cancellation of their
 *   terms; a rounding then flips the sign of one, and with it the leaky_relu gradient (1 or 0.01) of that
 *   position: the VGG_38 parity fixture's first-stage weight gradients came out 2e-3 off (bound 1e-3), as the
 *   cpu backend's did before its Conv2D summed in float64. WGSL has no float64, so every sum here is
 *   compensated: each product exactly split by fma, added with Knuth's TwoSum, rounded once at the end.
 * - Parallelism. Its filter gradient gives each of the kh x kw x in x out outputs one thread that loops over
 *   the whole batch (102,400 products for a 32-filter layer at batch 100): 9,216 threads cannot fill a GPU.
 *   Here each image's share is a thread of its own, and a second pass adds the images' partial sums.
 */
export function registerWebGpuConvolutions(): void {
  provideKernel('Conv2D', 'webgpu', {
    by: 'conv2d-compensated',
    rank: 1,
    kernelFunc: (args) => {
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const info = convInfo(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
      if (!info) return undefined;
      const backend = args.backend as WebGPUBackend;
      return backend.runWebGPUProgram(new Conv2DProgram(info.outShape), [x, filter], 'float32', padAndStride(info));
    },
  });
  provideKernel('Conv2DBackpropInput', 'webgpu', {
    by: 'conv2d-backprop-input-compensated',
    rank: 1,
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const info = convInfo(attrs.inputShape, filter.shape, attrs);
      if (!info || info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
      const backend = args.backend as WebGPUBackend;
      return backend.runWebGPUProgram(
        new Conv2DInputGradProgram(attrs.inputShape),
        [dy, filter],
        'float32',
        padAndStride(info),
      );
    },
  });
  provideKernel('Conv2DBackpropFilter', 'webgpu', {
    by: 'conv2d-backprop-filter-per-image',
    rank: 1,
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      const info = convInfo(x.shape, attrs.filterShape, attrs);
      if (!info) return undefined;
      const backend = args.backend as WebGPUBackend;
      const filterSize = attrs.filterShape.reduce((a, b) => a * b, 1);
      const partial = backend.runWebGPUProgram(
        new Conv2DFilterGradPartialProgram(x.shape[0], filterSize),
        [x, dy],
        'float32',
        [...padAndStride(info), { type: 'int32', data: attrs.filterShape }],
      );
      const filterGrad = backend.runWebGPUProgram(new PartialSumProgram(attrs.filterShape), [partial], 'float32', [
        ZERO,
      ]);
      backend.disposeData(partial.dataId);
      return filterGrad;
    },
  });
}

/** What convInfo reads of a convolution's attributes: tfjs-core's, the gradients' without dilations. */
type ConvAttrs = Omit<tf.Conv2DAttrs, 'dilations'> & Partial<Pick<tf.Conv2DAttrs, 'dilations'>>;

/** The convolution's geometry, or null for what these kernels leave to the originals. */
function convInfo(inShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo | null {
  const dilations = attrs.dilations ?? 1;
  const dilated = typeof dilations === 'number' ? dilations !== 1 : dilations.some((d) => d !== 1);
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || dilated) return null;
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

function padAndStride(info: tf.backend_util.Conv2DInfo): { type: string; data: number[] }[] {
  return [
    ZERO,
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
  ];
}

/**
 * How a product's rounding error is found: by fma where the device computes it exactly (a GPU's fused
 * multiply-add: one operation), else by Dekker's product of Veltkamp's halves (seventeen; Mesa computes fma as
 * a multiply and an add). Both give the error exactly, so the same sums; probeExactFma decides, once.
 */
let productErrorBy: 'fma' | 'dekker' = 'dekker';

/** Which way the convolutions find products' errors on this device (see probeExactFma). */
export function webGpuProductError(): 'fma' | 'dekker' {
  return productErrorBy;
}

/** Overrides the probe's choice, to check both ways on one device (`npm run parity -- --webgpu-products`). */
export function setWebGpuProductError(way: 'fma' | 'dekker'): void {
  productErrorBy = way;
}

const PRODUCT_ERROR = {
  fma: /* wgsl */ `
  fn productError(a: f32, b: f32, p: f32) -> f32 { return fma(a, b, -p); }`,
  dekker: /* wgsl */ `
  fn productError(a: f32, b: f32, p: f32) -> f32 {
    let aBig = exact(4097.0 * a);
    let aHi = exact(aBig - exact(aBig - a));
    let aLo = exact(a - aHi);
    let bBig = exact(4097.0 * b);
    let bHi = exact(bBig - exact(bBig - b));
    let bLo = exact(b - bHi);
    let e = exact(exact(aHi * bHi) - p);
    let e2 = exact(e + exact(aHi * bLo));
    let e3 = exact(e2 + exact(aLo * bHi));
    return exact(e3 + exact(aLo * bLo));
  }`,
};

/**
 * A running sum of float32 products kept as an unevaluated pair (COMPENSATED_ADDITION), each product's rounding
 * error added from productError: `s + c` is the exact sum of products rounded about once (Ogita, Rump and
 * Oishi's Dot2).
 */
function compensatedSum(): string {
  return /* wgsl */ `
  ${EXACT}${COMPENSATED_ADDITION}
  fn addProduct(acc: ptr<function, Sum>, a: f32, b: f32) {
    let p = exact(a * b);
    addTo(acc, p);
    (*acc).c = exact((*acc).c + productError(a, b, p));
  }
  // a * b - p exactly, p being a * b rounded.
  ${PRODUCT_ERROR[productErrorBy]}
`;
}

/** Products whose rounding error fma must give exactly: near 1, tiny, large, of either sign. */
const PROBE_PAIRS: [number, number][] = [
  [1 + 2 ** -20, 1 - 2 ** -20],
  [3.3, 7.7],
  [-0.1, 0.3],
  [1e-20, 3.7e-15],
  [12345.678, -0.000321],
];

/**
 * Runs fma on the device over PROBE_PAIRS and keeps it for the convolutions when every error comes out
 * exactly (a float32 product's rounding error is itself a float32, so the comparison is exact).
 */
export async function probeExactFma(): Promise<'fma' | 'dekker'> {
  const backend = tf.backend() as WebGPUBackend;
  const a = tf.tensor1d(PROBE_PAIRS.map(([x]) => x));
  const b = tf.tensor1d(PROBE_PAIRS.map(([, y]) => y));
  const out = tf
    .engine()
    .makeTensorFromTensorInfo(
      backend.runWebGPUProgram(new FmaProbeProgram([PROBE_PAIRS.length]), [a, b], 'float32', [ZERO]),
    );
  const got = await out.data();
  tf.dispose([a, b, out]);
  const exact = PROBE_PAIRS.every(([x, y], i) => {
    const [fx, fy] = [Math.fround(x), Math.fround(y)];
    return got[i] === fx * fy - Math.fround(fx * fy); // float32 products are exact in float64
  });
  productErrorBy = exact ? 'fma' : 'dekker';
  return productErrorBy;
}

class FmaProbeProgram extends FlatProgram {
  readonly variableNames = ['a', 'b'];
  override readonly uniforms = 'zero : u32,';
  shaderKey = 'gradlabFmaProbe';

  getUserCode(): string {
    return `${EXACT}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let p = exact(a[index] * b[index]);
        setOutputAtIndex(index, fma(a[index], b[index], -p));
      }`;
  }
}

/** y[n, oy, ox, o] = sum over i, j, c of x[n, oy*s + i - pad, ox*s + j - pad, c] w[i, j, c, o]. */
class Conv2DProgram extends FlatProgram {
  readonly variableNames = ['x', 'weights'];
  override readonly uniforms = 'zero : u32, pads : vec2<i32>, strides : vec2<i32>,';
  shaderKey = `gradlabConv2D_${productErrorBy}`;

  getUserCode(): string {
    return `${compensatedSum()}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let coords = getCoordsFromIndex(index);
        let inH = uniforms.xShape[1];
        let inW = uniforms.xShape[2];
        let inC = uniforms.xShape[3];
        let kh = uniforms.weightsShape[0];
        let kw = uniforms.weightsShape[1];
        let outC = uniforms.weightsShape[3];
        var acc = Sum(0.0, 0.0);
        for (var i = 0; i < kh; i++) {
          let iy = coords[1] * uniforms.strides[0] + i - uniforms.pads[0];
          if (iy < 0 || iy >= inH) { continue; }
          for (var j = 0; j < kw; j++) {
            let ix = coords[2] * uniforms.strides[1] + j - uniforms.pads[1];
            if (ix < 0 || ix >= inW) { continue; }
            let xBase = ((coords[0] * inH + iy) * inW + ix) * inC;
            let wBase = (i * kw + j) * inC * outC + coords[3];
            for (var c = 0; c < inC; c++) {
              addProduct(&acc, x[xBase + c], weights[wBase + c * outC]);
            }
          }
        }
        setOutputAtIndex(index, acc.s + acc.c);
      }`;
  }
}

/** Stride 1: dx[n, iy, ix, c] = sum over i, j, o of dy[n, iy + pad - i, ix + pad - j, o] w[i, j, c, o]. */
class Conv2DInputGradProgram extends FlatProgram {
  readonly variableNames = ['dy', 'weights'];
  override readonly uniforms = 'zero : u32, pads : vec2<i32>, strides : vec2<i32>,';
  shaderKey = `gradlabConv2DInputGrad_${productErrorBy}`;

  getUserCode(): string {
    return `${compensatedSum()}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let coords = getCoordsFromIndex(index);
        let outH = uniforms.dyShape[1];
        let outW = uniforms.dyShape[2];
        let kh = uniforms.weightsShape[0];
        let kw = uniforms.weightsShape[1];
        let inC = uniforms.weightsShape[2];
        let outC = uniforms.weightsShape[3];
        var acc = Sum(0.0, 0.0);
        for (var i = 0; i < kh; i++) {
          let oy = coords[1] + uniforms.pads[0] - i;
          if (oy < 0 || oy >= outH) { continue; }
          for (var j = 0; j < kw; j++) {
            let ox = coords[2] + uniforms.pads[1] - j;
            if (ox < 0 || ox >= outW) { continue; }
            let dyBase = ((coords[0] * outH + oy) * outW + ox) * outC;
            let wBase = ((i * kw + j) * inC + coords[3]) * outC;
            for (var o = 0; o < outC; o++) {
              addProduct(&acc, dy[dyBase + o], weights[wBase + o]);
            }
          }
        }
        setOutputAtIndex(index, acc.s + acc.c);
      }`;
  }
}

/**
 * One image's share of the filter gradient, k over the filter's [kh, kw, in, out] elements:
 *   sum over oy, ox of x[n, oy*s + i - pad, ox*s + j - pad, c] dy[n, oy, ox, o]
 * as its unevaluated pair: partial[0, n, k] the sum, partial[1, n, k] its compensation (rounding each image's
 * share would lose what the compensation kept where the images' shares cancel).
 */
class Conv2DFilterGradPartialProgram extends FlatProgram {
  readonly variableNames = ['x', 'dy'];
  override readonly uniforms = 'zero : u32, pads : vec2<i32>, strides : vec2<i32>, filterShape : vec4<i32>,';
  shaderKey = `gradlabConv2DFilterGradPartial_${productErrorBy}`;

  constructor(images: number, filterSize: number) {
    super([2, images, filterSize]);
  }

  getUserCode(): string {
    return `${compensatedSum()}
      fn main(index : i32) {
        let half = uniforms.size / 2;
        if (index >= half) { return; }
        let coords = getCoordsFromIndex(index);
        let n = coords[1];
        let kw = uniforms.filterShape[1];
        let inC = uniforms.filterShape[2];
        let outC = uniforms.filterShape[3];
        let o = coords[2] % outC;
        let c = (coords[2] / outC) % inC;
        let j = (coords[2] / (outC * inC)) % kw;
        let i = coords[2] / (outC * inC * kw);
        let inH = uniforms.xShape[1];
        let inW = uniforms.xShape[2];
        let outH = uniforms.dyShape[1];
        let outW = uniforms.dyShape[2];
        var acc = Sum(0.0, 0.0);
        for (var oy = 0; oy < outH; oy++) {
          let iy = oy * uniforms.strides[0] + i - uniforms.pads[0];
          if (iy < 0 || iy >= inH) { continue; }
          for (var ox = 0; ox < outW; ox++) {
            let ix = ox * uniforms.strides[1] + j - uniforms.pads[1];
            if (ix < 0 || ix >= inW) { continue; }
            addProduct(&acc, x[((n * inH + iy) * inW + ix) * inC + c], dy[((n * outH + oy) * outW + ox) * outC + o]);
          }
        }
        setOutputAtIndex(index, acc.s);
        setOutputAtIndex(index + half, acc.c);
      }`;
  }
}

/** out[k] = sum over p of partial[0, p, k] + partial[1, p, k] (the partial sums and their compensations). */
class PartialSumProgram extends FlatProgram {
  readonly variableNames = ['partial'];
  override readonly uniforms = 'zero : u32,';
  shaderKey = `gradlabPartialSum_${productErrorBy}`;

  getUserCode(): string {
    return `${compensatedSum()}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let parts = uniforms.partialShape[1];
        let stride = uniforms.partialShape[2];
        let compensations = parts * stride;
        var acc = Sum(0.0, 0.0);
        for (var p = 0; p < parts; p++) {
          addTo(&acc, partial[p * stride + index]);
          acc.c = exact(acc.c + partial[compensations + p * stride + index]);
        }
        setOutputAtIndex(index, acc.s + acc.c);
      }`;
  }
}
