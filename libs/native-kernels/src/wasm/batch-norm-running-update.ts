import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { heapOutput } from './heap-output';

/**
 * (1 - momentum) running + momentum * scale * moments[row]: a few numbers per channel, in JavaScript, rounded
 * to float32 at each operation as the general path's tf.add(tf.mul(running, 1 - m), tf.mul(tf.mul(batch,
 * scale), m)).
 */
export const batchNormRunningUpdateConfig = gradlabKernelConfig<'batchNormRunningUpdate', BackendWasm>(
  'batchNormRunningUpdate',
  'wasm',
  ({ running, moments }, { row, momentum, scale }, backend) =>
    heapOutput(backend, running.shape, (view) => {
      const f = Math.fround;
      const [current, batch, out] = [view(running), view(moments), view.out];
      const channels = current.length;
      for (let c = 0; c < channels; c++) {
        const batchValue = scale === 1 ? batch[row * channels + c] : f(batch[row * channels + c] * f(scale));
        out[c] = f(f(current[c] * f(1 - momentum)) + f(batchValue * f(momentum)));
      }
    }),
);
