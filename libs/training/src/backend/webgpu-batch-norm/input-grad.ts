import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { f32, CHANNEL_STATS } from './channel-reduction';
import { EXACT, FlatProgram, ZERO } from '../webgpu-program';

/** PyTorch's analytic input gradient: gamma / sqrt(var + eps) / n * (n dy - dBeta - xhat dGamma). */
export const batchNormInputGradWebGpuConfig = gradlabKernelConfig<'batchNormInputGrad', WebGPUBackend>(
  'batchNormInputGrad',
  'webgpu',
  ({ dy, x, moments, gamma, dBeta, dGamma }, attrs, backend) =>
    backend.runWebGPUProgram(new InputGradProgram(x.shape), [dy, x, moments, gamma, dBeta, dGamma], 'float32', [
      ZERO,
      f32(attrs.epsilon),
    ]),
);

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
