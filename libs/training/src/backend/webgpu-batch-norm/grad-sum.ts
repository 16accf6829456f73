import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { channels, f32, CHANNEL_STATS, WORKGROUP, ChannelReduction, workgroupSum } from './channel-reduction';
import { ZERO } from '../webgpu-program';

/** The sum of dy per channel (beta's gradient), or of dy * xhat (gamma's). */
export const batchNormGradSumWebGpuConfig = gradlabKernelConfig<'batchNormGradSum', WebGPUBackend>(
  'batchNormGradSum',
  'webgpu',
  ({ dy, x, moments }, attrs, backend) =>
    attrs.which === 'beta'
      ? backend.runWebGPUProgram(new BetaGradProgram(channels(dy)), [dy], 'float32', [ZERO])
      : backend.runWebGPUProgram(new GammaGradProgram(channels(dy)), [dy, x, moments], 'float32', [
          ZERO,
          f32(attrs.epsilon),
        ]),
);

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
