import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { provideKernel, type KernelArgs } from './kernel-registry';
import { loadOneDnn, type ConvGeometry, type OneDnnAddon } from './onednn-addon';

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
  install('Conv2D', (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
    const info = convInfo(x.shape, filter.shape, strides, dilations, pad, dimRoundingMode, dataFormat);
    if (!consistent(info)) return undefined;
    return run(args.backend as BackendWasm, info.outShape, [x, filter], (views, out) =>
      addon.conv2dForward(views[0], views[1], out, geometry(info)),
    );
  });
  install('Conv2DBackpropInput', (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const info = convInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, dataFormat);
    if (!consistent(info)) return undefined;
    return run(args.backend as BackendWasm, inputShape, [dy, filter], (views, out) =>
      addon.conv2dBackpropInput(views[0], views[1], out, geometry(info)),
    );
  });
  install('Conv2DBackpropFilter', (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const info = convInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, dataFormat);
    if (!consistent(info)) return undefined;
    return run(args.backend as BackendWasm, filterShape, [x, dy], (views, out) =>
      addon.conv2dBackpropFilter(views[0], views[1], out, geometry(info)),
    );
  });
  return addon;
}

/**
 * Puts `kernelFunc` first in the wasm backend's place for NHWC float32 data; other layouts and types, and the
 * geometries `kernelFunc` declines by answering undefined, go on to the next provider (kernel-registry.ts).
 */
function install(
  kernelName: (typeof ONEDNN_KERNELS)[number],
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | undefined,
): void {
  provideKernel(kernelName, 'wasm', {
    by: 'onednn',
    rank: 2,
    kernelFunc: (args) => {
      const nhwc = (args.attrs as { dataFormat?: string }).dataFormat !== 'NCHW';
      const float32 = Object.values(args.inputs).every((t) => (t as tf.TensorInfo).dtype === 'float32');
      return nhwc && float32 ? kernelFunc(args) : undefined;
    },
  });
}

function convInfo(
  inShape: number[],
  filterShape: number[],
  strides: tf.Conv2DAttrs['strides'],
  dilations: tf.Conv2DAttrs['dilations'],
  pad: tf.Conv2DAttrs['pad'],
  dimRoundingMode: tf.Conv2DAttrs['dimRoundingMode'],
  dataFormat: tf.Conv2DAttrs['dataFormat'],
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

/**
 * Whether the output size follows from the input, filter, stride and padding as oneDNN requires. TensorFlow.js
 * 4.22 sizes a numeric padding's output from the filter's height and the vertical stride in both directions,
 * which for a non-square filter or stride gives a width no convolution has: those stay with the backend.
 */
function consistent(info: tf.backend_util.Conv2DInfo): boolean {
  const { padInfo } = info;
  const size = (input: number, filter: number, dilation: number, stride: number, low: number, high: number) =>
    Math.floor((input + low + high - ((filter - 1) * dilation + 1)) / stride) + 1;
  return (
    info.outHeight ===
      size(info.inHeight, info.filterHeight, info.dilationHeight, info.strideHeight, padInfo.top, padInfo.bottom) &&
    info.outWidth ===
      size(info.inWidth, info.filterWidth, info.dilationWidth, info.strideWidth, padInfo.left, padInfo.right)
  );
}

function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  const { padInfo } = info;
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    padInfo.top,
    padInfo.left,
    padInfo.bottom,
    padInfo.right,
    info.dilationHeight,
    info.dilationWidth,
  ];
}

/**
 * Allocates the output in the wasm heap, then runs `kernel` on views of the inputs and the output. The views
 * are taken after the allocation, which may grow (and so replace) the heap's buffer.
 */
function run(
  backend: BackendWasm,
  outShape: number[],
  inputs: tf.TensorInfo[],
  kernel: (views: Float32Array[], out: Float32Array) => string,
): tf.TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const views = inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  kernel(views, backend.typedArrayFromHeap(out) as Float32Array);
  return out;
}
