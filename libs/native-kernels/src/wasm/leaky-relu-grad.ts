import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { loadOneDnn } from '../onednn-addon';
import { heapOutput } from './heap-output';

/**
 * leaky_relu's gradient, dy * step(x, alpha), in one pass instead of wasm's Step, a plain loop, and a
 * Multiply. The same numbers: the factors are exactly 1 and alpha.
 */
export const leakyReluGradConfig = gradlabKernelConfig<'leakyReluGrad', BackendWasm>(
  'leakyReluGrad',
  'wasm',
  ({ dy, x }, { alpha }, backend) =>
    heapOutput(backend, x.shape, (view) => loadOneDnn().leakyReluGrad(view(dy), view(x), view.out, alpha)),
);
