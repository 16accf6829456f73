import * as tf from '@tensorflow/tfjs-core';
import { COMPENSATED_ADDITION, EXACT, FlatProgram } from '../webgpu-program';

// What batch norm's webgpu kernels share: per-channel reductions, one workgroup per channel, and how a
// program reads a channel's statistics.

export function channels(x: tf.TensorInfo): number {
  return x.shape[x.shape.length - 1];
}

/** A float32 uniform. */
export const f32 = (value: number) => ({ type: 'float32', data: [value] });

/** How the programs below read a channel's mean and 1 / sqrt(variance + epsilon) from `moments` ([2, C]). */
export const CHANNEL_STATS = /* wgsl */ `
  fn channelMean(c : i32) -> f32 { return moments[c]; }
  fn channelInvStd(c : i32) -> f32 {
    return exact(inverseSqrt(exact(moments[uniforms.momentsShape[1] + c] + uniforms.epsilon)));
  }
`;

export const WORKGROUP = 256;

/**
 * A workgroup per channel: each thread adds every WORKGROUP-th row of its channel, compensated, then the
 * threads' pairs are added in a tree (workgroupSum). Output one value per channel (and row of the output).
 * The rows are those of the first input; every input must appear in the shader (the pipeline's bindings are
 * those the shader uses).
 */
export abstract class ChannelReduction extends FlatProgram {
  constructor(outputShape: number[], channelCount: number) {
    super(outputShape, { workgroupSize: WORKGROUP, workgroups: channelCount });
  }

  protected reductionHelpers(): string {
    return `${EXACT}${COMPENSATED_ADDITION}
      // Atomics, though no two threads touch a slot at once: Mesa's compiler moved plain loads of workgroup
      // memory across the barriers (all but the first 8 threads read a slot before its writer had written it).
      var<workgroup> partialSums : array<atomic<u32>, ${WORKGROUP}>;
      var<workgroup> partialCompensations : array<atomic<u32>, ${WORKGROUP}>;
      fn loadPartial(slots : ptr<workgroup, array<atomic<u32>, ${WORKGROUP}>>, t : i32) -> f32 { return bitcast<f32>(atomicLoad(&(*slots)[t])); }
      fn storePartial(slots : ptr<workgroup, array<atomic<u32>, ${WORKGROUP}>>, t : i32, v : f32) { atomicStore(&(*slots)[t], bitcast<u32>(v)); }
      fn addPartial(t : i32, stride : i32) {
        var pair = Sum(loadPartial(&partialSums, t), exact(loadPartial(&partialCompensations, t) + loadPartial(&partialCompensations, t + stride)));
        addTo(&pair, loadPartial(&partialSums, t + stride));
        storePartial(&partialSums, t, pair.s);
        storePartial(&partialCompensations, t, pair.c);
      }
      fn rowCount() -> i32 { return uniforms.${this.variableNames[0]}Shape[0] * uniforms.${this.variableNames[0]}Shape[1] * uniforms.${this.variableNames[0]}Shape[2]; }
    `;
  }
}

/**
 * WGSL statements, for main's top level, that add every thread's Sum \`own\` into \`let result\`, which all
 * threads get. Unrolled, with each barrier in main outside any loop or function: GLSL ES allows barrier() only
 * there.
 */
export function workgroupSum(own: string, result: string): string {
  const strides: number[] = [];
  for (let stride = WORKGROUP / 2; stride >= 1; stride /= 2) strides.push(stride);
  return `
        storePartial(&partialSums, i32(localId.x), ${own}.s);
        storePartial(&partialCompensations, i32(localId.x), ${own}.c);
        workgroupBarrier();
        ${strides.map((stride) => `if (i32(localId.x) < ${stride}) { addPartial(i32(localId.x), ${stride}); }\n        workgroupBarrier();`).join('\n        ')}
        let ${result} = exact(loadPartial(&partialSums, 0) + loadPartial(&partialCompensations, 0));
        workgroupBarrier();`;
}
