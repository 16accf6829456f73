import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { channels, WORKGROUP, ChannelReduction, workgroupSum } from './channel-reduction';
import { ZERO } from '../webgpu-program';

/** x [N, H, W, C] -> [2, C]: the mean per channel, then the mean squared deviation from it. */
export const batchNormMomentsWebGpuConfig = gradlabKernelConfig<'batchNormMoments', WebGPUBackend>(
  'batchNormMoments',
  'webgpu',
  ({ x }, _attrs, backend) => backend.runWebGPUProgram(new MomentsProgram(channels(x)), [x], 'float32', [ZERO]),
);

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
