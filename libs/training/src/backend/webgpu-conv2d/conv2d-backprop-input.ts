import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { ProvidedKernelConfig } from '@gradlab/native-kernels';
import { convInfo, padAndStride } from './geometry';
import { compensatedSum, webGpuProductError } from './compensated-products';
import { FlatProgram } from '../webgpu-program';

/** Conv2D's input gradient for stride 1, summed compensated. */
export const conv2DBackpropInputWebGpuConfig: ProvidedKernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'webgpu',
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
};

/** Stride 1: dx[n, iy, ix, c] = sum over i, j, o of dy[n, iy + pad - i, ix + pad - j, o] w[i, j, c, o]. */
class Conv2DInputGradProgram extends FlatProgram {
  readonly variableNames = ['dy', 'weights'];
  override readonly uniforms = 'zero : u32, pads : vec2<i32>, strides : vec2<i32>,';
  shaderKey = `gradlabConv2DInputGrad_${webGpuProductError()}`;

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
