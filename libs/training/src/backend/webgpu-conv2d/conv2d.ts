import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { ProvidedKernelConfig } from '@gradlab/native-kernels';
import { type ConvAttrs, convInfo, padAndStride } from './geometry';
import { compensatedSum, webGpuProductError } from './compensated-products';
import { FlatProgram } from '../webgpu-program';

/** Conv2D with each output's products summed compensated (see webgpu-conv2d.ts). */
export const conv2DWebGpuConfig: ProvidedKernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'webgpu',
  by: 'conv2d-compensated',
  rank: 1,
  kernelFunc: (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const info = convInfo(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
    if (!info) return undefined;
    const backend = args.backend as WebGPUBackend;
    return backend.runWebGPUProgram(new Conv2DProgram(info.outShape), [x, filter], 'float32', padAndStride(info));
  },
};

/** y[n, oy, ox, o] = sum over i, j, c of x[n, oy*s + i - pad, ox*s + j - pad, c] w[i, j, c, o]. */
class Conv2DProgram extends FlatProgram {
  readonly variableNames = ['x', 'weights'];
  override readonly uniforms = 'zero : u32, pads : vec2<i32>, strides : vec2<i32>,';
  shaderKey = `gradlabConv2D_${webGpuProductError()}`;

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
