import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { GradlabKernel, GradlabKernelAttrs, GradlabKernelInputs } from '@gradlab/contracts';
import { provideGradlabKernel } from '@gradlab/native-kernels';
import { COMPENSATED_ADDITION, EXACT, FlatProgram, ZERO } from './webgpu-program';

/**
 * Batch norm's training pass in five kernels (GRADLAB_KERNELS.batchNorm*, libs/contracts): a VGG_38 BN+RC step took 2,262
 * dispatches, about 40 per batch-norm layer, in the operations of the general path. Per-channel sums are one
 * workgroup per channel, compensated (mean first, then the squared deviations from it, as the general path
 * does); the element-wise kernels round every operation as the general path's operations do (EXACT).
 */
export function registerWebGpuBatchNorm(): void {
  const register = <K extends GradlabKernel>(
    kernel: K,
    kernelFunc: (
      inputs: GradlabKernelInputs<tf.TensorInfo>[K],
      attrs: GradlabKernelAttrs[K],
      backend: WebGPUBackend,
    ) => tf.TensorInfo,
  ) => provideGradlabKernel<K, WebGPUBackend>(kernel, 'webgpu', kernelFunc);
  const f32 = (value: number) => ({ type: 'float32', data: [value] });

  register('batchNormMoments', ({ x }, _attrs, backend) =>
    backend.runWebGPUProgram(new MomentsProgram(channels(x)), [x], 'float32', [ZERO]),
  );
  register('batchNormNormalize', ({ x, moments, gamma, beta }, attrs, backend) =>
    backend.runWebGPUProgram(new NormalizeProgram(x.shape), [x, moments, gamma, beta], 'float32', [
      ZERO,
      f32(attrs.epsilon),
    ]),
  );
  register('batchNormGradSum', ({ dy, x, moments }, attrs, backend) =>
    attrs.which === 'beta'
      ? backend.runWebGPUProgram(new BetaGradProgram(channels(dy)), [dy], 'float32', [ZERO])
      : backend.runWebGPUProgram(new GammaGradProgram(channels(dy)), [dy, x, moments], 'float32', [
          ZERO,
          f32(attrs.epsilon),
        ]),
  );
  register('batchNormInputGrad', ({ dy, x, moments, gamma, dBeta, dGamma }, attrs, backend) =>
    backend.runWebGPUProgram(new InputGradProgram(x.shape), [dy, x, moments, gamma, dBeta, dGamma], 'float32', [
      ZERO,
      f32(attrs.epsilon),
    ]),
  );
  register('batchNormRunningUpdate', ({ running, moments }, attrs, backend) =>
    backend.runWebGPUProgram(new RunningUpdateProgram(running.shape), [running, moments], 'float32', [
      ZERO,
      { type: 'int32', data: [attrs.row] },
      f32(1 - attrs.momentum),
      f32(attrs.momentum),
      f32(attrs.scale),
    ]),
  );
}

function channels(x: tf.TensorInfo): number {
  return x.shape[x.shape.length - 1];
}

/** How the programs below read a channel's mean and 1 / sqrt(variance + epsilon) from `moments` ([2, C]). */
const CHANNEL_STATS = /* wgsl */ `
  fn channelMean(c : i32) -> f32 { return moments[c]; }
  fn channelInvStd(c : i32) -> f32 {
    return exact(inverseSqrt(exact(moments[uniforms.momentsShape[1] + c] + uniforms.epsilon)));
  }
`;

const WORKGROUP = 256;

/**
 * A workgroup per channel: each thread adds every WORKGROUP-th row of its channel, compensated, then the
 * threads' pairs are added in a tree (workgroupSum). Output one value per channel (and row of the output).
 * The rows are those of the first input; every input must appear in the shader (the pipeline's bindings are
 * those the shader uses).
 */
abstract class ChannelReduction extends FlatProgram {
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
function workgroupSum(own: string, result: string): string {
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

/** [2, C]: the mean of x per channel, then the mean squared deviation from it (the biased variance). */
class MomentsProgram extends ChannelReduction {
  readonly variableNames = ['x'];
  override readonly uniforms = 'zero : u32,';
  shaderKey = 'gradlabBatchNormMoments';

  constructor(channelCount: number) {
    super([2, channelCount], channelCount);
  }

  getUserCode(): string {
    return `${this.reductionHelpers()}
      fn main(index : i32) {
        let c = i32(workgroupId.x);
        let channelCount = uniforms.xShape[3];
        let rows = rowCount();
        var sum = Sum(0.0, 0.0);
        for (var r = i32(localId.x); r < rows; r = r + ${WORKGROUP}) { addTo(&sum, x[r * channelCount + c]); }
        ${workgroupSum('sum', 'total')}
        let mean = exact(total / f32(rows));
        var squares = Sum(0.0, 0.0);
        for (var r = i32(localId.x); r < rows; r = r + ${WORKGROUP}) {
          let d = exact(x[r * channelCount + c] - mean);
          addTo(&squares, exact(d * d));
        }
        ${workgroupSum('squares', 'squaresTotal')}
        let variance = exact(squaresTotal / f32(rows));
        if (localId.x == 0u) {
          setOutputAtIndex(c, mean);
          setOutputAtIndex(channelCount + c, variance);
        }
      }`;
  }
}

/** [C]: the sum of dy per channel, beta's gradient. */
class BetaGradProgram extends ChannelReduction {
  readonly variableNames = ['dy'];
  override readonly uniforms = 'zero : u32,';
  shaderKey = 'gradlabBatchNormBetaGrad';

  constructor(channelCount: number) {
    super([channelCount], channelCount);
  }

  getUserCode(): string {
    return `${this.reductionHelpers()}
      fn main(index : i32) {
        let c = i32(workgroupId.x);
        let channelCount = uniforms.dyShape[3];
        var sum = Sum(0.0, 0.0);
        for (var r = i32(localId.x); r < rowCount(); r = r + ${WORKGROUP}) { addTo(&sum, dy[r * channelCount + c]); }
        ${workgroupSum('sum', 'total')}
        if (localId.x == 0u) { setOutputAtIndex(c, total); }
      }`;
  }
}

/** [C]: the sum of dy * xhat per channel, gamma's gradient. */
class GammaGradProgram extends ChannelReduction {
  readonly variableNames = ['dy', 'x', 'moments'];
  override readonly uniforms = 'zero : u32, epsilon : f32,';
  shaderKey = 'gradlabBatchNormGammaGrad';

  constructor(channelCount: number) {
    super([channelCount], channelCount);
  }

  getUserCode(): string {
    return `${this.reductionHelpers()}${CHANNEL_STATS}
      fn main(index : i32) {
        let c = i32(workgroupId.x);
        let channelCount = uniforms.dyShape[3];
        let mean = channelMean(c);
        let invStd = channelInvStd(c);
        var sum = Sum(0.0, 0.0);
        for (var r = i32(localId.x); r < rowCount(); r = r + ${WORKGROUP}) {
          let i = r * channelCount + c;
          addTo(&sum, exact(dy[i] * exact(exact(x[i] - mean) * invStd)));
        }
        ${workgroupSum('sum', 'total')}
        if (localId.x == 0u) { setOutputAtIndex(c, total); }
      }`;
  }
}

/** (x - mean) * invStd * gamma + beta, element-wise. */
class NormalizeProgram extends FlatProgram {
  readonly variableNames = ['x', 'moments', 'gamma', 'beta'];
  override readonly uniforms = 'zero : u32, epsilon : f32,';
  shaderKey = 'gradlabBatchNormNormalize';

  getUserCode(): string {
    return `${EXACT}${CHANNEL_STATS}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.xShape[3];
        let xhat = exact(exact(x[index] - channelMean(c)) * channelInvStd(c));
        setOutputAtIndex(index, exact(exact(xhat * gamma[c]) + beta[c]));
      }`;
  }
}

/** dx = (n dy - dBeta - xhat dGamma) * gamma * invStd / n, with n the values per channel. */
class InputGradProgram extends FlatProgram {
  readonly variableNames = ['dy', 'x', 'moments', 'gamma', 'dBeta', 'dGamma'];
  override readonly uniforms = 'zero : u32, epsilon : f32,';
  shaderKey = 'gradlabBatchNormInputGrad';

  getUserCode(): string {
    return `${EXACT}${CHANNEL_STATS}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.xShape[3];
        let n = f32(uniforms.xShape[0] * uniforms.xShape[1] * uniforms.xShape[2]);
        let invStd = channelInvStd(c);
        let xhat = exact(exact(x[index] - channelMean(c)) * invStd);
        let centred = exact(exact(exact(dy[index] * n) - dBeta[c]) - exact(xhat * dGamma[c]));
        setOutputAtIndex(index, exact(centred * exact(exact(gamma[c] * invStd) / n)));
      }`;
  }
}

/** (1 - m) running + m (scale row), row 0 of moments (the mean) or row 1 (the variance). */
class RunningUpdateProgram extends FlatProgram {
  readonly variableNames = ['running', 'moments'];
  override readonly uniforms = 'zero : u32, row : i32, keep : f32, momentum : f32, scale : f32,';
  shaderKey = 'gradlabBatchNormRunningUpdate';

  getUserCode(): string {
    return `${EXACT}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let batch = exact(moments[uniforms.row * uniforms.momentsShape[1] + index] * uniforms.scale);
        setOutputAtIndex(index, exact(exact(running[index] * uniforms.keep) + exact(batch * uniforms.momentum)));
      }`;
  }
}
