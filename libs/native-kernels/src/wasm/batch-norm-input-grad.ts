import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { loadOneDnn } from '../onednn-addon';
import { channelsOf, heapOutput } from './heap-output';

/** PyTorch's analytic input gradient: gamma / sqrt(var + eps) / n * (n dy - dBeta - xhat dGamma). */
export const batchNormInputGradConfig = gradlabKernelConfig<'batchNormInputGrad', BackendWasm>(
  'batchNormInputGrad',
  'wasm',
  ({ dy, x, moments, gamma, dBeta, dGamma }, { epsilon }, backend) =>
    heapOutput(backend, x.shape, (view) =>
      loadOneDnn().batchNormInputGrad(
        view(dy),
        view(x),
        view(moments),
        view(gamma),
        view(dBeta),
        view(dGamma),
        view.out,
        channelsOf(x),
        epsilon,
      ),
    ),
);
