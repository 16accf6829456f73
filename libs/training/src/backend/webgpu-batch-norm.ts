import { provideKernel } from '@gradlab/native-kernels';
import { batchNormGradSumWebGpuConfig } from './webgpu-batch-norm/grad-sum';
import { batchNormInputGradWebGpuConfig } from './webgpu-batch-norm/input-grad';
import { batchNormMomentsWebGpuConfig } from './webgpu-batch-norm/moments';
import { batchNormNormalizeWebGpuConfig } from './webgpu-batch-norm/normalize';
import { batchNormRunningUpdateWebGpuConfig } from './webgpu-batch-norm/running-update';

/**
 * Batch norm's training pass in five kernels (GRADLAB_KERNELS.batchNorm*, libs/contracts; one to a file in webgpu-batch-norm/): a VGG_38 BN+RC step took 2,262
 * dispatches, about 40 per batch-norm layer, in the operations of the general path. Per-channel sums are one
 * workgroup per channel, compensated (mean first, then the squared deviations from it, as the general path
 * does); the element-wise kernels round every operation as the general path's operations do (EXACT).
 */
export function registerWebGpuBatchNorm(): void {
  for (const config of [
    batchNormMomentsWebGpuConfig,
    batchNormNormalizeWebGpuConfig,
    batchNormGradSumWebGpuConfig,
    batchNormInputGradWebGpuConfig,
    batchNormRunningUpdateWebGpuConfig,
  ])
    provideKernel(config);
}
