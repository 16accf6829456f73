import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { loadOneDnn } from '../onednn-addon';
import { channelsOf, heapOutput } from './heap-output';

/** The sum of dy per channel (beta's gradient), or of dy * xhat (gamma's), in double. */
export const batchNormGradSumConfig = gradlabKernelConfig<'batchNormGradSum', BackendWasm>(
  'batchNormGradSum',
  'wasm',
  ({ dy, x, moments }, { epsilon, which }, backend) =>
    heapOutput(backend, [channelsOf(x)], (view) =>
      loadOneDnn().batchNormGradSum(
        view(dy),
        view(x),
        view(moments),
        view.out,
        channelsOf(x),
        epsilon,
        which === 'gamma',
      ),
    ),
);
