import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { f32, CHANNEL_STATS } from './channel-reduction';
import { EXACT, FlatProgram, ZERO } from '../webgpu-program';

/** (x - mean) / sqrt(variance + epsilon) * gamma + beta, each operation rounded as written. */
export const batchNormNormalizeWebGpuConfig = gradlabKernelConfig<'batchNormNormalize', WebGPUBackend>(
  'batchNormNormalize',
  'webgpu',
  ({ x, moments, gamma, beta }, attrs, backend) =>
    backend.runWebGPUProgram(new NormalizeProgram(x.shape), [x, moments, gamma, beta], 'float32', [
      ZERO,
      f32(attrs.epsilon),
    ]),
);

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
