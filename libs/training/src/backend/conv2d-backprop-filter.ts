import * as tf from '@tensorflow/tfjs-core';
import { provideKernel, runNestedKernel as run, type KernelArgs } from '@gradlab/native-kernels';

/**
 * The wasm backend has no Conv2DBackpropFilter kernel, so it cannot train a CNN. The filter gradient is a
 * convolution of the input with the output gradient in which the batch plays the role of the channels:
 *   dW[kh, kw, ci, co] = sum_{n,y,x} xPadded[n, y*s + kh, x*s + kw, ci] * dy[n, y, x, co]
 * i.e. conv2d(x^T as [ci, H, W, n], dy^T as a [Ho, Wo, n, co] filter, dilation = stride), transposed back.
 * The cpu backend has one, but it reads every element through TensorBuffer.get: 17 s of the 17.4 s of a
 * batch-10 VGG_08 step. There this kernel takes its place for NHWC (with cpu-conv2d's float64 sums).
 */
export function registerConv2DBackpropFilter(backendName: string): void {
  provideKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: backendName,
    by: 'conv2d-backprop-filter-as-conv2d',
    rank: 1,
    kernelFunc: (args) =>
      (args.attrs as { dataFormat?: string }).dataFormat === 'NCHW' ? undefined : filterGradient(args),
  });
}

function filterGradient({ inputs, attrs }: KernelArgs): tf.Tensor {
  const { x: xInfo, dy: dyInfo } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const [kh, kw] = filterShape;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const [top, bottom, left, right] = paddings(pad, kh, kw, xInfo.shape[1], xInfo.shape[2], sh, sw);
  const padded = run(
    'PadV2',
    { x: xInfo },
    {
      paddings: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const xT = run('Transpose', { x: padded }, { perm: [3, 1, 2, 0] });
  const dyT = run('Transpose', { x: dyInfo }, { perm: [1, 2, 0, 3] });
  const full = run(
    'Conv2D',
    { x: xT, filter: dyT },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] },
  );
  const dw =
    full.shape[1] === kh && full.shape[2] === kw
      ? full
      : run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] });
  const result = run('Transpose', { x: dw }, { perm: [1, 2, 0, 3] });
  tf.dispose([padded, xT, dyT, full, dw]);
  return result;
}

function paddings(
  pad: unknown,
  kh: number,
  kw: number,
  h: number,
  w: number,
  sh: number,
  sw: number,
): [number, number, number, number] {
  if (pad === 'valid') return [0, 0, 0, 0];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (pad === 'same') {
    const outH = Math.ceil(h / sh);
    const outW = Math.ceil(w / sw);
    const padH = Math.max((outH - 1) * sh + kh - h, 0);
    const padW = Math.max((outW - 1) * sw + kw - w, 0);
    return [Math.floor(padH / 2), padH - Math.floor(padH / 2), Math.floor(padW / 2), padW - Math.floor(padW / 2)];
  }
  const explicit = pad as number[][];
  return [explicit[1][0], explicit[1][1], explicit[2][0], explicit[2][1]];
}
