import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gradlabKernelConfig } from '../kernel-registry';
import { loadOneDnn } from '../onednn-addon';

/**
 * libs/training's fused Adam step (TorchAdam uses it where a backend has it): one pass per parameter instead of
 * about twelve operations, each a kernel launch, with the same float32 roundings in the same order (a VGG_38
 * has 47 to 119 parameters).
 */
export const adamStepConfig = gradlabKernelConfig<'adamStep', BackendWasm>(
  'adamStep',
  'wasm',
  ({ param, m, v, grad }, a, backend) => {
    const outputs = [0, 1, 2].map(() => backend.makeOutput(param.shape, 'float32'));
    const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const constants = Float64Array.of(
      a.beta1,
      1 - a.beta1,
      a.beta2,
      1 - a.beta2,
      a.weightDecay,
      a.stepSize,
      a.sqrtBiasCorrection2,
      a.epsilon,
    );
    loadOneDnn().adamStep(
      view(param),
      view(m),
      view(v),
      view(grad),
      ...(outputs.map(view) as [Float32Array, Float32Array, Float32Array]),
      constants,
    );
    return outputs;
  },
);
