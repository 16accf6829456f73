import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { loadOneDnn } from '../onednn-addon';
import { channelsOf, heapOutput } from './heap-output';

/** x [N, H, W, C] -> [2, C]: the mean and the biased variance per channel, summed in double by the addon. */
export const batchNormMomentsConfig = gradlabKernelConfig<'batchNormMoments', BackendWasm>(
  'batchNormMoments',
  'wasm',
  ({ x }, _attrs, backend) => {
    const channels = channelsOf(x);
    return heapOutput(backend, [2, channels], (view) => loadOneDnn().batchNormMoments(view(x), view.out, channels));
  },
);
