import * as tf from '@tensorflow/tfjs-core';
import { provideKernel } from '@gradlab/native-kernels';

type CpuBackend = {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
};

/**
 * The cpu backend's Conv2D adds every product straight into its float32 output (`y[i] += x * w`), so each
 * output is rounded once per term. On the VGG_38 parity fixture that left the gradients of the first stage
 * up to 2.1e-3 off the float64 reference (bound 1e-3); wasm is 1e-6 off. This kernel sums each output in
 * float64 and rounds once, as the cpu backend's own gradient kernels already do: 1e-7 off, and about twice
 * as fast. NHWC float32 only (all gradlab uses); anything else is declined, to the backend's own kernel.
 */
export function registerPreciseCpuConv2D(): void {
  provideKernel({
    kernelName: 'Conv2D',
    backendName: 'cpu',
    by: 'conv2d-float64-sums',
    rank: 1,
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
      if (dataFormat !== 'NHWC' || x.dtype !== 'float32') return undefined;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        strides,
        dilations,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const cpu = backend as unknown as CpuBackend;
      const xs = cpu.data.get(x.dataId).values;
      const ws = cpu.data.get(filter.dataId).values;
      const {
        batchSize,
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        outChannels,
        filterHeight,
        filterWidth,
        strideHeight,
        strideWidth,
        dilationHeight,
        dilationWidth,
      } = info;
      const { top, left } = info.padInfo;
      const ys = new Float32Array(batchSize * outHeight * outWidth * outChannels);
      const sums = new Float64Array(outChannels);
      for (let b = 0; b < batchSize; b++) {
        for (let yr = 0; yr < outHeight; yr++) {
          for (let yc = 0; yc < outWidth; yc++) {
            sums.fill(0);
            for (let wr = 0; wr < filterHeight; wr++) {
              const xr = yr * strideHeight - top + wr * dilationHeight;
              if (xr < 0 || xr >= inHeight) continue;
              for (let wc = 0; wc < filterWidth; wc++) {
                const xc = yc * strideWidth - left + wc * dilationWidth;
                if (xc < 0 || xc >= inWidth) continue;
                const xAt = ((b * inHeight + xr) * inWidth + xc) * inChannels;
                let wAt = (wr * filterWidth + wc) * inChannels * outChannels;
                for (let ci = 0; ci < inChannels; ci++, wAt += outChannels) {
                  const xv = xs[xAt + ci];
                  for (let co = 0; co < outChannels; co++) sums[co] += xv * ws[wAt + co];
                }
              }
            }
            ys.set(sums, ((b * outHeight + yr) * outWidth + yc) * outChannels);
          }
        }
      }
      return cpu.makeTensorInfo(info.outShape, 'float32', ys);
    },
  });
}
