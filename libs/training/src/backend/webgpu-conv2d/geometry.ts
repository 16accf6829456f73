import * as tf from '@tensorflow/tfjs-core';
import { ZERO } from '../webgpu-program';

/** What convInfo reads of a convolution's attributes: tfjs-core's, the gradients' without dilations. */
export type ConvAttrs = Omit<tf.Conv2DAttrs, 'dilations'> & Partial<Pick<tf.Conv2DAttrs, 'dilations'>>;

/** The convolution's geometry, or null for what these kernels leave to the backend's own kernels. */
export function convInfo(
  inShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
): tf.backend_util.Conv2DInfo | null {
  const dilations = attrs.dilations ?? 1;
  const dilated = typeof dilations === 'number' ? dilations !== 1 : dilations.some((d) => d !== 1);
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || dilated) return null;
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

export function padAndStride(info: tf.backend_util.Conv2DInfo): { type: string; data: number[] }[] {
  return [
    ZERO,
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
  ];
}
