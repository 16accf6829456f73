import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { ProvidedKernelConfig } from '@gradlab/native-kernels';
import { convInfo, padAndStride } from './geometry';
import { compensatedSum, webGpuProductError } from './compensated-products';
import { FlatProgram, ZERO } from '../webgpu-program';

/** Conv2D's filter gradient: each image's share a thread of its own, then a pass adding the images' sums. */
export const conv2DBackpropFilterWebGpuConfig: ProvidedKernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'webgpu',
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
    const filterGrad = backend.runWebGPUProgram(new PartialSumProgram(attrs.filterShape), [partial], 'float32', [ZERO]);
    backend.disposeData(partial.dataId);
    return filterGrad;
  },
};

/**
 * One image's share of the filter gradient, k over the filter's [kh, kw, in, out] elements:
 *   sum over oy, ox of x[n, oy*s + i - pad, ox*s + j - pad, c] dy[n, oy, ox, o]
 * as its unevaluated pair: partial[0, n, k] the sum, partial[1, n, k] its compensation (rounding each image's
 * share would lose what the compensation kept where the images' shares cancel).
 */
class Conv2DFilterGradPartialProgram extends FlatProgram {
  readonly variableNames = ['x', 'dy'];
  override readonly uniforms = 'zero : u32, pads : vec2<i32>, strides : vec2<i32>, filterShape : vec4<i32>,';
  shaderKey = `gradlabConv2DFilterGradPartial_${webGpuProductError()}`;

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
  shaderKey = `gradlabPartialSum_${webGpuProductError()}`;

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
