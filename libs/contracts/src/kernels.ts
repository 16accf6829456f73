// gradlab's own kernels, beside TensorFlow.js's: their names, inputs and attributes, in one place for the code
// that asks for them (libs/models' batch norm, libs/training's leaky_relu gradient and Adam) and the backends
// that provide them (libs/native-kernels on wasm, libs/training's webgpu kernels). A backend without one of
// them gets the general path, made of TensorFlow.js's own kernels, with the same numbers.

/** Each kernel's name in TensorFlow.js's registry. */
export const GRADLAB_KERNELS = {
  batchNormMoments: 'GradlabBatchNormMoments',
  batchNormNormalize: 'GradlabBatchNormNormalize',
  batchNormGradSum: 'GradlabBatchNormGradSum',
  batchNormInputGrad: 'GradlabBatchNormInputGrad',
  batchNormRunningUpdate: 'GradlabBatchNormRunningUpdate',
  leakyReluGrad: 'GradlabLeakyReluGrad',
  adamStep: 'GradlabAdamStep',
} as const;
export type GradlabKernel = keyof typeof GRADLAB_KERNELS;

/** Each kernel's inputs by name, over the backend's tensor type (TensorFlow.js's TensorInfo). */
export interface GradlabKernelInputs<T> {
  /** x [N, H, W, C] -> [2, C]: the mean and the biased variance per channel. */
  batchNormMoments: { x: T };
  /** -> (x - mean) / sqrt(variance + epsilon) * gamma + beta. */
  batchNormNormalize: { x: T; moments: T; gamma: T; beta: T };
  /** -> the sum of dy (which 'beta'), or of dy * xhat (which 'gamma'), per channel. */
  batchNormGradSum: { dy: T; x: T; moments: T };
  /** -> dx, PyTorch's analytic backward: gamma / sqrt(var + eps) / n * (n dy - dBeta - xhat dGamma). */
  batchNormInputGrad: { dy: T; x: T; moments: T; gamma: T; dBeta: T; dGamma: T };
  /** running [C] -> (1 - momentum) running + momentum * scale * moments[row]. */
  batchNormRunningUpdate: { running: T; moments: T };
  /** -> dy * step(x, alpha): 1 where x > 0, else alpha. */
  leakyReluGrad: { dy: T; x: T };
  /** -> [newM, newV, newParam]: torch.optim.Adam's update of one parameter. */
  adamStep: { param: T; m: T; v: T; grad: T };
}

/** Each kernel's attributes. */
export interface GradlabKernelAttrs {
  batchNormMoments: Record<string, never>;
  batchNormNormalize: { epsilon: number };
  batchNormGradSum: { epsilon: number; which: 'beta' | 'gamma' };
  batchNormInputGrad: { epsilon: number };
  /** row: 0 the mean, 1 the variance; scale: n / (n - 1) for the variance (PyTorch keeps it unbiased). */
  batchNormRunningUpdate: { row: 0 | 1; momentum: number; scale: number };
  leakyReluGrad: { alpha: number };
  /** stepSize: lr / (1 - beta1^t); sqrtBiasCorrection2: sqrt(1 - beta2^t); weightDecay coupled, as torch's. */
  adamStep: {
    beta1: number;
    beta2: number;
    epsilon: number;
    weightDecay: number;
    stepSize: number;
    sqrtBiasCorrection2: number;
  };
}
