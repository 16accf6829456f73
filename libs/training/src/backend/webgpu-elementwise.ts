import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { EXACT, FlatProgram, ZERO } from './webgpu-program';

/**
 * The leaky_relu gradient, dy * step(x, alpha), in one dispatch instead of two (Step, then Multiply): one per
 * activation of every step's backward pass. The same numbers: the factor is exactly 1 or float32(alpha), and a
 * NaN in x gives NaN, as Step does.
 */
export const leakyReluGradWebGpuConfig = gradlabKernelConfig<'leakyReluGrad', WebGPUBackend>(
  'leakyReluGrad',
  'webgpu',
  ({ dy, x }, { alpha }, backend) =>
    backend.runWebGPUProgram(new LeakyReluGradProgram(x.shape), [dy, x], 'float32', [
      ZERO,
      { type: 'float32', data: [alpha] },
    ]),
);

class LeakyReluGradProgram extends FlatProgram {
  readonly variableNames = ['dy', 'x'];
  override readonly uniforms = 'zero : u32, alpha : f32,';
  shaderKey = 'gradlabLeakyReluGrad';

  getUserCode(): string {
    return `${EXACT}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let v = x[index];
        let factor = select(select(uniforms.alpha, 1.0, v > 0.0), v, isnan(v));
        setOutputAtIndex(index, exact(dy[index] * factor));
      }`;
  }
}
