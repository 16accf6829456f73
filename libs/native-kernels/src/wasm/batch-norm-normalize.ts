import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { loadOneDnn } from '../onednn-addon';
import { channelsOf, heapOutput } from './heap-output';

/** (x - mean) / sqrt(variance + epsilon) * gamma + beta, in one pass. */
export const batchNormNormalizeConfig = gradlabKernelConfig<'batchNormNormalize', BackendWasm>(
  'batchNormNormalize',
  'wasm',
  ({ x, moments, gamma, beta }, { epsilon }, backend) =>
    heapOutput(backend, x.shape, (view) =>
      loadOneDnn().batchNormNormalize(
        view(x),
        view(moments),
        view(gamma),
        view(beta),
        view.out,
        channelsOf(x),
        epsilon,
      ),
    ),
);
