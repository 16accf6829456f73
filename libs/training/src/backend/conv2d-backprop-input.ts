import * as tf from '@tensorflow/tfjs-core';
import { provideKernel, runNestedKernel as run } from '@gradlab/native-kernels';

/**
 * The wasm backend's own Conv2DBackpropInput is plain loops: half of a training step's time. For stride 1
 * (every convolution of the coursework network) the input gradient is a convolution that XNNPACK runs fast:
 *   dx = conv2d(pad(dy), W'),  W'[i, j, o, c] = W[kh-1-i, kw-1-j, c, o]
 * with dy padded by (k-1-p) on each side, p the forward padding. Other strides are declined, to the backend's own kernel.
 */
export function registerFastConv2DBackpropInput(backendName: string): void {
  provideKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: backendName,
    by: 'conv2d-backprop-input-as-conv2d',
    rank: 1,
    kernelFunc: (args) => {
      const { inputs, attrs } = args;
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
      if (sh !== 1 || sw !== 1 || dataFormat !== 'NHWC' || typeof pad === 'object') return undefined;
      const [kh, kw] = filter.shape;
      const [top, left] =
        pad === 'valid' ? [0, 0] : pad === 'same' ? [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)] : [pad, pad];
      const [, h, w] = inputShape;
      const [, ho, wo] = dy.shape;
      // Padding that makes a 'valid' convolution of dy give exactly h x w.
      const padTop = kh - 1 - top;
      const padLeft = kw - 1 - left;
      const padBottom = h + kh - 1 - ho - padTop;
      const padRight = w + kw - 1 - wo - padLeft;
      const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
      const transposed = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      const padded = run(
        'PadV2',
        { x: dy },
        {
          paddings: [
            [0, 0],
            [padTop, padBottom],
            [padLeft, padRight],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      const dx = run(
        'Conv2D',
        { x: padded, filter: transposed },
        { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
      );
      tf.dispose([flipped, transposed, padded]);
      return dx;
    },
  });
}
