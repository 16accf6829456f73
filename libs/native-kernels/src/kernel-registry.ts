import * as tf from '@tensorflow/tfjs-core';
import {
  GRADLAB_KERNELS,
  type GradlabKernel,
  type GradlabKernelAttrs,
  type GradlabKernelInputs,
} from '@gradlab/contracts';

export type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelOutput = ReturnType<tf.KernelFunc>;

/**
 * What gradlab puts in a backend's place for one kernel: it answers the calls it takes and declines the rest
 * (answers undefined), which go to the next provider, then to the backend's own kernel.
 */
export interface KernelProvider {
  /** Who provides it, for logs and tests. A second provider by the same name changes nothing. */
  by: string;
  /**
   * Tried before lower ranks: a provider that gives PyTorch's numbers (oneDNN, 2) before a faster arrangement
   * of TensorFlow.js's own kernels (1). Ties go by name, so which runs never depends on which came first.
   */
  rank: number;
  kernelFunc(args: KernelArgs): KernelOutput | undefined;
}

interface Dispatch {
  /** The backend's own kernel, when it has one: its setup and dispose are kept, and it takes what all decline. */
  original?: tf.KernelConfig;
  providers: KernelProvider[];
}

const dispatches = new Map<string, Dispatch>();

/**
 * A kernel as gradlab provides it, declared one to a file as TensorFlow.js's backends declare theirs (a
 * KernelConfig): the kernel, the backend, and the provider.
 */
export interface ProvidedKernelConfig extends KernelProvider {
  kernelName: string;
  backendName: string;
}

/**
 * The one way gradlab registers a kernel, its own (GRADLAB_KERNELS) or one in a backend's place: the first
 * provider of a kernel puts a dispatch there, which keeps the backend's kernel and tries the providers by
 * rank. Call before the backend starts (its kernels' setup runs then).
 */
export function provideKernel({ kernelName, backendName, ...provider }: ProvidedKernelConfig): void {
  const key = `${backendName}/${kernelName}`;
  let dispatch = dispatches.get(key);
  if (!dispatch) {
    const original = tf.getKernel(kernelName, backendName);
    if (original) tf.unregisterKernel(kernelName, backendName);
    const created: Dispatch = { original, providers: [] };
    dispatch = created;
    dispatches.set(key, created);
    tf.registerKernel({
      ...original,
      kernelName,
      backendName,
      kernelFunc: (args) => dispatchCall(created, args, key),
    });
  }
  if (dispatch.providers.some((p) => p.by === provider.by)) return;
  dispatch.providers.push(provider);
  dispatch.providers.sort((a, b) => b.rank - a.rank || a.by.localeCompare(b.by));
}

function dispatchCall(dispatch: Dispatch, args: KernelArgs, key: string): KernelOutput {
  for (const provider of dispatch.providers) {
    const output = provider.kernelFunc(args);
    if (output !== undefined) return output;
  }
  if (dispatch.original) return dispatch.original.kernelFunc(args);
  const declined = dispatch.providers.map((p) => p.by).join(', ');
  throw new Error(`${key}: no kernel takes these arguments (${declined} declined; the backend has none)`);
}

/**
 * The config of one of gradlab's own kernels (libs/contracts' GRADLAB_KERNELS) on a backend, its inputs and
 * attributes typed by their contract; `B` is the backend's class (BackendWasm, WebGPUBackend).
 */
export function gradlabKernelConfig<K extends GradlabKernel, B>(
  kernel: K,
  backendName: string,
  kernelFunc: (
    inputs: GradlabKernelInputs<tf.TensorInfo>[K],
    attrs: GradlabKernelAttrs[K],
    backend: B,
  ) => tf.TensorInfo | tf.TensorInfo[],
): ProvidedKernelConfig {
  return {
    kernelName: GRADLAB_KERNELS[kernel],
    backendName,
    by: `gradlab-${backendName}`,
    rank: 1,
    kernelFunc: ({ inputs, attrs, backend }) =>
      kernelFunc(
        inputs as unknown as GradlabKernelInputs<tf.TensorInfo>[K],
        attrs as unknown as GradlabKernelAttrs[K],
        backend as unknown as B,
      ),
  };
}

/** Who provides a kernel on a backend, in the order they are tried; 'backend' for the backend's own. */
export function kernelProviders(kernelName: string, backendName: string): string[] {
  const dispatch = dispatches.get(`${backendName}/${kernelName}`);
  if (!dispatch) return tf.getKernel(kernelName, backendName) ? ['backend'] : [];
  return [...dispatch.providers.map((p) => p.by), ...(dispatch.original ? ['backend'] : [])];
}

/**
 * Runs a kernel from inside another on TensorInfos directly: wrapping them in Tensors would take no backend
 * reference, and disposing such a wrapper would release the caller's data. Not recorded for gradients.
 */
export function runNestedKernel(name: string, inputs: Record<string, tf.TensorInfo>, attrs: object = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}
