import * as tf from '@tensorflow/tfjs-core';
import { GRADLAB_KERNELS } from '@gradlab/contracts';
import { runGradlabKernel } from '@gradlab/models/tf';
import { provideKernel, runNestedKernel } from '@gradlab/native-kernels';

/**
 * leaky_relu on wasm. The backend's own LeakyRelu is a plain loop (15 ms for a [100, 32, 32, 32] batch), and
 * tfjs's gradient, where(x > 0, dy, alpha dy), runs Greater and Select, plain loops too: together a fifth of
 * a VGG_08 step. The same numbers come from kernels XNNPACK vectorises (under 1 ms each):
 *   forward   leaky_relu(x) = prelu(x, alpha per channel)    (x < 0 ? alpha x : x)
 *   backward  dx = dy * step(x, alpha)                       (step: x > 0 ? 1 : alpha)
 * Bit for bit the same: the factors are exactly 1 and float32(alpha) either way.
 */
export function registerFastLeakyRelu(backendName: string): void {
  provideKernel({
    kernelName: 'LeakyRelu',
    backendName: backendName,
    by: 'leaky-relu-as-prelu',
    rank: 1,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { alpha } = args.attrs as unknown as { alpha: number };
      if (x.dtype !== 'float32' || x.shape.length === 0) return undefined;
      const slopes = tf.fill([x.shape[x.shape.length - 1]], alpha);
      const y = runNestedKernel('Prelu', { x, alpha: slopes });
      slopes.dispose();
      return y;
    },
  });
}

/**
 * The leaky_relu gradient as dy * step(x, alpha), on every backend (see registerFastLeakyRelu); in one kernel
 * where the backend has GRADLAB_KERNELS.leakyReluGrad (webgpu, wasm+onednn).
 */
export function registerLeakyReluGradient(): void {
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { alpha } = attrs as unknown as { alpha: number };
      if (tf.getKernel(GRADLAB_KERNELS.leakyReluGrad, tf.getBackend()))
        return { x: () => runGradlabKernel('leakyReluGrad', { dy: dy as tf.Tensor, x }, { alpha }) as tf.Tensor };
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
}
