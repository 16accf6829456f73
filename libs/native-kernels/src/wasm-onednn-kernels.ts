import { provideKernel } from './kernel-registry';
import { loadOneDnn, type OneDnnAddon } from './onednn-addon';
import { conv2DConfig } from './onednn/conv2d';
import { conv2DBackpropFilterConfig } from './onednn/conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './onednn/conv2d-backprop-input';

/** The kernels this package puts in the wasm backend's place, for tests and logs. */
export const ONEDNN_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;

/**
 * Makes the wasm backend run its convolutions (forward and both gradients) with oneDNN, the library PyTorch
 * uses on CPU: it reads the inputs and writes the output in the wasm heap, where the backend keeps every
 * tensor, so nothing is copied and the rest of TensorFlow.js is unchanged. NCHW data (which gradlab never
 * makes) goes on to the next provider or the backend's own kernel. Call before the wasm backend starts; a second
 * call changes nothing.
 * `threads` is oneDNN's pool, the same count as the wasm backend's: the two never run at once (each kernel is
 * synchronous), so the cores are never asked for twice.
 */
export function registerOneDnnWasmKernels(threads: number): OneDnnAddon {
  const addon = loadOneDnn();
  addon.setThreads(threads);
  for (const config of [conv2DConfig, conv2DBackpropInputConfig, conv2DBackpropFilterConfig]) provideKernel(config);
  return addon;
}
