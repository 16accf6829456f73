import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type View = ((t: tf.TensorInfo) => Float32Array) & { out: Float32Array };

/**
 * Allocates a float32 output in the wasm heap, then runs `fill` with views of tensors and of the output,
 * taken after the allocation (which may grow, and so replace, the heap's buffer).
 */
export function heapOutput(backend: BackendWasm, shape: number[], fill: (view: View) => void): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const view = ((t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array) as View;
  view.out = backend.typedArrayFromHeap(out) as Float32Array;
  fill(view);
  return out;
}

/** The channels of NHWC data: its last dimension. */
export function channelsOf(t: tf.TensorInfo): number {
  return t.shape[t.shape.length - 1];
}
