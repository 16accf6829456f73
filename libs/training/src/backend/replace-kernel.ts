import * as tf from '@tensorflow/tfjs-core';

type Replaced = tf.KernelConfig & { gradlab?: boolean };

/**
 * Puts `kernelFunc` in place of a backend's kernel, keeping its setup and dispose functions; `kernelFunc` gets
 * the original too, for the cases it leaves to it. A second call changes nothing.
 */
export function replaceKernel(
  kernelName: string,
  backendName: string,
  kernelFunc: (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => ReturnType<tf.KernelFunc>,
): void {
  const original = tf.getKernel(kernelName, backendName) as Replaced | undefined;
  if (!original || original.gradlab) return;
  tf.unregisterKernel(kernelName, backendName);
  const replacement: Replaced = {
    ...original,
    gradlab: true,
    kernelFunc: (args) => kernelFunc(args, original.kernelFunc),
  };
  tf.registerKernel(replacement);
}

/**
 * Runs a kernel from inside another on TensorInfos directly: wrapping them in Tensors would take no backend
 * reference, and disposing such a wrapper would release the caller's data. Not recorded for gradients.
 */
export function runNestedKernel(name: string, inputs: Record<string, tf.TensorInfo>, attrs: object = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}
