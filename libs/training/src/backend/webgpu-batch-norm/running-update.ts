import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { f32 } from './channel-reduction';
import { EXACT, FlatProgram, ZERO } from '../webgpu-program';

/** (1 - momentum) running + momentum * scale * moments[row], rounded as the general path rounds it. */
export const batchNormRunningUpdateWebGpuConfig = gradlabKernelConfig<'batchNormRunningUpdate', WebGPUBackend>(
  'batchNormRunningUpdate',
  'webgpu',
  ({ running, moments }, attrs, backend) =>
    backend.runWebGPUProgram(new RunningUpdateProgram(running.shape), [running, moments], 'float32', [
      ZERO,
      { type: 'int32', data: [attrs.row] },
      f32(1 - attrs.momentum),
      f32(attrs.momentum),
      f32(attrs.scale),
    ]),
);

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
