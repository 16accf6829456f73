import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs, ProvidedKernelConfig } from '../kernel-registry';
import type { ConvGeometry } from '../onednn-addon';

// What the oneDNN convolutions share: their place in the wasm backend, the geometry the addon reads, and
// outputs allocated in the wasm heap.

/**
 * A oneDNN convolution's config: first in the wasm backend's place (rank 2) for NHWC float32 data; other
 * layouts and types, and the geometries `kernelFunc` declines by answering undefined, go on to the next
 * provider (kernel-registry.ts).
 */
export function oneDnnConfig(
  kernelName: 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter',
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | undefined,
): ProvidedKernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    by: 'onednn',
    rank: 2,
    kernelFunc: (args) => {
      const nhwc = (args.attrs as { dataFormat?: string }).dataFormat !== 'NCHW';
      const float32 = Object.values(args.inputs).every((t) => (t as tf.TensorInfo).dtype === 'float32');
      return nhwc && float32 ? kernelFunc(args) : undefined;
    },
  };
}

export function convInfo(
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
export function consistent(info: tf.backend_util.Conv2DInfo): boolean {
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

export function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
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
export function run(
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
