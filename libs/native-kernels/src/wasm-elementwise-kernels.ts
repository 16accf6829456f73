import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadOneDnn } from './onednn-addon';

/** The kernel names a network's batch norm asks for (libs/models' BATCH_NORM_KERNELS), given by the caller. */
export interface BatchNormKernelNames {
  moments: string;
  normalize: string;
  gradSum: string;
  inputGrad: string;
  runningUpdate: string;
}

type Inputs = Record<string, tf.TensorInfo>;
type Attrs = Record<string, number | string>;

/**
 * Registers batch norm's training kernels on the wasm backend, run by the addon (elementwise_kernels.cc) on the
 * wasm heap in place: a network then normalises in 4 passes over its activations instead of about 40 TF.js
 * operations, each as the general path computes it (libs/models' batchNormTraining). A second call changes
 * nothing.
 */
export function registerNativeBatchNormKernels(names: BatchNormKernelNames): void {
  const addon = loadOneDnn();
  register(names.moments, ({ x }, _attrs, backend) => {
    const channels = lastDim(x);
    return output(backend, [2, channels], (view) => addon.batchNormMoments(view(x), view.out, channels));
  });
  register(names.normalize, ({ x, moments, gamma, beta }, attrs, backend) =>
    output(backend, x.shape, (view) =>
      addon.batchNormNormalize(
        view(x),
        view(moments),
        view(gamma),
        view(beta),
        view.out,
        lastDim(x),
        attrs.epsilon as number,
      ),
    ),
  );
  register(names.gradSum, ({ dy, x, moments }, attrs, backend) =>
    output(backend, [lastDim(x)], (view) =>
      addon.batchNormGradSum(
        view(dy),
        view(x),
        view(moments),
        view.out,
        lastDim(x),
        attrs.epsilon as number,
        attrs.which === 'gamma',
      ),
    ),
  );
  register(names.inputGrad, ({ dy, x, moments, gamma, dBeta, dGamma }, attrs, backend) =>
    output(backend, x.shape, (view) =>
      addon.batchNormInputGrad(
        view(dy),
        view(x),
        view(moments),
        view(gamma),
        view(dBeta),
        view(dGamma),
        view.out,
        lastDim(x),
        attrs.epsilon as number,
      ),
    ),
  );
  // A few numbers per channel: in JavaScript, rounded to float32 at each operation as the general path's
  // tf.add(tf.mul(running, 1 - m), tf.mul(tf.mul(batch, scale), m)).
  register(names.runningUpdate, ({ running, moments }, attrs, backend) =>
    output(backend, running.shape, (view) => {
      const f = Math.fround;
      const { row, momentum, scale } = attrs as { row: number; momentum: number; scale: number };
      const [current, batch, out] = [view(running), view(moments), view.out];
      const channels = current.length;
      for (let c = 0; c < channels; c++) {
        const batchValue = scale === 1 ? batch[row * channels + c] : f(batch[row * channels + c] * f(scale));
        out[c] = f(f(current[c] * f(1 - momentum)) + f(batchValue * f(momentum)));
      }
    }),
  );
}

/**
 * Registers leaky_relu's gradient, dy * step(x, alpha), as one kernel of the wasm backend under `kernelName`
 * (libs/training's LEAKY_RELU_GRAD_KERNEL, which its gradient function uses where a backend has it): one pass
 * instead of wasm's Step, a plain loop, and a Multiply. The same numbers: the factors are exactly 1 and alpha.
 */
export function registerNativeLeakyReluGrad(kernelName: string): void {
  const addon = loadOneDnn();
  register(kernelName, ({ dy, x }, attrs, backend) =>
    output(backend, x.shape, (view) => addon.leakyReluGrad(view(dy), view(x), view.out, attrs.alpha as number)),
  );
}

/**
 * Registers libs/training's fused Adam step (ADAM_STEP_KERNEL, which TorchAdam uses where a backend has it) on
 * the wasm backend: one pass per parameter instead of about twelve operations, each a kernel launch, with the
 * same float32 roundings in the same order (a VGG_38 has 47 to 119 parameters).
 */
export function registerNativeAdamStep(kernelName: string): void {
  const addon = loadOneDnn();
  if (tf.getKernel(kernelName, 'wasm')) return;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { param, m, v, grad } = inputs as unknown as Record<'param' | 'm' | 'v' | 'grad', tf.TensorInfo>;
      const a = attrs as unknown as Record<
        'beta1' | 'beta2' | 'epsilon' | 'weightDecay' | 'stepSize' | 'sqrtBiasCorrection2',
        number
      >;
      const wasm = backend as BackendWasm;
      const outputs = [0, 1, 2].map(() => wasm.makeOutput(param.shape, 'float32'));
      const view = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
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
      addon.adamStep(
        view(param),
        view(m),
        view(v),
        view(grad),
        ...(outputs.map(view) as [Float32Array, Float32Array, Float32Array]),
        constants,
      );
      return outputs;
    },
  });
}

function lastDim(t: tf.TensorInfo): number {
  return t.shape[t.shape.length - 1];
}

function register(kernelName: string, kernel: (inputs: Inputs, attrs: Attrs, backend: BackendWasm) => tf.TensorInfo) {
  if (tf.getKernel(kernelName, 'wasm')) return;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) =>
      kernel(inputs as unknown as Inputs, attrs as unknown as Attrs, backend as BackendWasm),
  });
}

type View = ((t: tf.TensorInfo) => Float32Array) & { out: Float32Array };

/**
 * Allocates a float32 output in the wasm heap, then runs `fill` with views of tensors and of the output,
 * taken after the allocation (which may grow, and so replace, the heap's buffer).
 */
function output(backend: BackendWasm, shape: number[], fill: (view: View) => void): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const view = ((t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array) as View;
  view.out = backend.typedArrayFromHeap(out) as Float32Array;
  fill(view);
  return out;
}
