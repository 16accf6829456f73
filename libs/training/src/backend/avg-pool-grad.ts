import * as tf from '@tensorflow/tfjs-core';
import { provideKernel, runNestedKernel as run } from '@gradlab/native-kernels';

/**
 * The wasm backend's AvgPoolGrad is plain loops: 8% of a VGG_08 step for its three 2x2 pools. For a 2x2 pool
 * with stride 2 and no padding (the framework's reduction blocks) every input pixel receives a quarter of its
 * window's gradient, which is one broadcasting multiply (vectorised by XNNPACK):
 *   dx[n, 2i + a, 2j + b, c] = dy[n, i, j, c] / 4,   i.e.  dy as [n, h, 1, w, 1, c] x 1/4 over [1, 1, 2, 1, 2, 1]
 * Every other pool is declined, to the backend's own kernel.
 */
export function registerFastAvgPoolGrad(backendName: string): void {
  provideKernel({
    kernelName: 'AvgPoolGrad',
    backendName: backendName,
    by: 'avg-pool-grad-as-multiply',
    rank: 1,
    kernelFunc: (args) => {
      const { inputs, attrs } = args;
      const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
      const pair = (v: number | [number, number]) => (typeof v === 'number' ? [v, v] : v);
      const [fh, fw] = pair(filterSize);
      const [sh, sw] = pair(strides);
      const [n, h, w, c] = input.shape;
      if (
        fh !== 2 ||
        fw !== 2 ||
        sh !== 2 ||
        sw !== 2 ||
        pad !== 'valid' ||
        h % 2 !== 0 ||
        w % 2 !== 0 ||
        dy.dtype !== 'float32'
      )
        return undefined;
      const windows = run('Reshape', { x: dy }, { shape: [n, h / 2, 1, w / 2, 1, c] });
      const quarter = tf.fill([1, 1, 2, 1, 2, 1], 0.25);
      const spread = run('Multiply', { a: windows, b: quarter });
      const dx = run('Reshape', { x: spread }, { shape: [n, h, w, c] });
      tf.dispose([windows, quarter, spread]);
      return dx;
    },
  });
}
