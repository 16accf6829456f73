import { provideKernel } from './kernel-registry';
import { loadOneDnn } from './onednn-addon';
import { adamStepConfig } from './wasm/adam-step';
import { batchNormGradSumConfig } from './wasm/batch-norm-grad-sum';
import { batchNormInputGradConfig } from './wasm/batch-norm-input-grad';
import { batchNormMomentsConfig } from './wasm/batch-norm-moments';
import { batchNormNormalizeConfig } from './wasm/batch-norm-normalize';
import { batchNormRunningUpdateConfig } from './wasm/batch-norm-running-update';
import { leakyReluGradConfig } from './wasm/leaky-relu-grad';

// gradlab's own kernels on the wasm backend, run by the addon (elementwise_kernels.cc) on the wasm heap in
// place, one kernel to a file under wasm/. Each throws at once, naming the package to install, where the
// addon is missing. A second call changes nothing.

/**
 * Batch norm's training kernels: a network then normalises in 4 passes over its activations instead of about
 * 40 TF.js operations, each as the general path computes it (libs/models' batchNormTraining).
 */
export function registerNativeBatchNormKernels(): void {
  loadOneDnn();
  for (const config of [
    batchNormMomentsConfig,
    batchNormNormalizeConfig,
    batchNormGradSumConfig,
    batchNormInputGradConfig,
    batchNormRunningUpdateConfig,
  ])
    provideKernel(config);
}

/** leaky_relu's gradient in one kernel (libs/training's gradient function uses it where a backend has it). */
export function registerNativeLeakyReluGrad(): void {
  loadOneDnn();
  provideKernel(leakyReluGradConfig);
}

/** TorchAdam's step in one kernel a parameter. */
export function registerNativeAdamStep(): void {
  loadOneDnn();
  provideKernel(adamStepConfig);
}
