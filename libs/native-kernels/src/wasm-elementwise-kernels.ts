import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GradlabKernel, GradlabKernelAttrs, GradlabKernelInputs } from '@gradlab/contracts';
import { provideGradlabKernel } from './kernel-registry';
import { loadOneDnn } from './onednn-addon';

/**
 * Registers batch norm's training kernels (GRADLAB_KERNELS.batchNorm*) on the wasm backend, run by the addon
 * (elementwise_kernels.cc) on the wasm heap in place: a network then normalises in 4 passes over its
 * activations instead of about 40 TF.js operations, each as the general path computes it (libs/models'
 * batchNormTraining). A second call changes nothing.
 */
export function registerNativeBatchNormKernels(): void {
  const addon = loadOneDnn();
  provideWasm('batchNormMoments', ({ x }, _attrs, backend) => {
    const channels = lastDim(x);
    return output(backend, [2, channels], (view) => addon.batchNormMoments(view(x), view.out, channels));
  });
  provideWasm('batchNormNormalize', ({ x, moments, gamma, beta }, { epsilon }, backend) =>
    output(backend, x.shape, (view) =>
      addon.batchNormNormalize(view(x), view(moments), view(gamma), view(beta), view.out, lastDim(x), epsilon),
    ),
  );
  provideWasm('batchNormGradSum', ({ dy, x, moments }, { epsilon, which }, backend) =>
    output(backend, [lastDim(x)], (view) =>
      addon.batchNormGradSum(view(dy), view(x), view(moments), view.out, lastDim(x), epsilon, which === 'gamma'),
    ),
  );
  provideWasm('batchNormInputGrad', ({ dy, x, moments, gamma, dBeta, dGamma }, { epsilon }, backend) =>
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
        epsilon,
      ),
    ),
  );
  // A few numbers per channel: in JavaScript, rounded to float32 at each operation as the general path's
  // tf.add(tf.mul(running, 1 - m), tf.mul(tf.mul(batch, scale), m)).
  provideWasm('batchNormRunningUpdate', ({ running, moments }, { row, momentum, scale }, backend) =>
    output(backend, running.shape, (view) => {
      const f = Math.fround;
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
 * Registers leaky_relu's gradient (GRADLAB_KERNELS.leakyReluGrad, which libs/training's gradient function uses
 * where a backend has it), dy * step(x, alpha), as one kernel of the wasm backend: one pass instead of wasm's
 * Step, a plain loop, and a Multiply. The same numbers: the factors are exactly 1 and alpha.
 */
export function registerNativeLeakyReluGrad(): void {
  const addon = loadOneDnn();
  provideWasm('leakyReluGrad', ({ dy, x }, { alpha }, backend) =>
    output(backend, x.shape, (view) => addon.leakyReluGrad(view(dy), view(x), view.out, alpha)),
  );
}

/**
 * Registers libs/training's fused Adam step (GRADLAB_KERNELS.adamStep, which TorchAdam uses where a backend has
 * it) on the wasm backend: one pass per parameter instead of about twelve operations, each a kernel launch, with
 * the same float32 roundings in the same order (a VGG_38 has 47 to 119 parameters).
 */
export function registerNativeAdamStep(): void {
  const addon = loadOneDnn();
  provideWasm('adamStep', ({ param, m, v, grad }, a, backend) => {
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
    addon.adamStep(
      view(param),
      view(m),
      view(v),
      view(grad),
      ...(outputs.map(view) as [Float32Array, Float32Array, Float32Array]),
      constants,
    );
    return outputs;
  });
}

/** One of gradlab's kernels on the wasm backend. */
function provideWasm<K extends GradlabKernel>(
  kernel: K,
  kernelFunc: (
    inputs: GradlabKernelInputs<tf.TensorInfo>[K],
    attrs: GradlabKernelAttrs[K],
    backend: BackendWasm,
  ) => tf.TensorInfo | tf.TensorInfo[],
): void {
  provideGradlabKernel<K, BackendWasm>(kernel, 'wasm', kernelFunc);
}

function lastDim(t: tf.TensorInfo): number {
  return t.shape[t.shape.length - 1];
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
