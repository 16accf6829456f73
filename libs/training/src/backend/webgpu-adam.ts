import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gradlabKernelConfig } from '@gradlab/native-kernels';
import { EXACT, FlatProgram, ZERO } from './webgpu-program';

/**
 * TorchAdam's update of one parameter in three dispatches (the first moment, the second, the parameter)
 * instead of the fifteen its operations take one by one: a plain VGG_38 step spent about 560 of its 1,000
 * dispatches on Adam. Every operation is rounded as written (EXACT), so the numbers are those of the
 * operations the other backends run.
 */
export const adamStepWebGpuConfig = gradlabKernelConfig<'adamStep', WebGPUBackend>(
  'adamStep',
  'webgpu',
  ({ param, m, v, grad }, a, webgpu) => {
    const uniforms = (...values: number[]) => [ZERO, ...values.map((value) => ({ type: 'float32', data: [value] }))];
    const newM = webgpu.runWebGPUProgram(
      new AdamMomentProgram(param.shape, 'first'),
      [m, grad, param],
      'float32',
      uniforms(a.beta1, 1 - a.beta1, a.weightDecay),
    );
    const newV = webgpu.runWebGPUProgram(
      new AdamMomentProgram(param.shape, 'second'),
      [v, grad, param],
      'float32',
      uniforms(a.beta2, 1 - a.beta2, a.weightDecay),
    );
    const newParam = webgpu.runWebGPUProgram(
      new AdamParamProgram(param.shape),
      [param, newM, newV],
      'float32',
      uniforms(a.stepSize, a.sqrtBiasCorrection2, a.epsilon),
    );
    return [newM, newV, newParam];
  },
);

/** m' = b1 m + (1 - b1) g, or v' = b2 v + (1 - b2) g^2, with g the gradient plus coupled weight decay. */
class AdamMomentProgram extends FlatProgram {
  readonly variableNames = ['moment', 'grad', 'param'];
  override readonly uniforms = 'zero : u32, beta : f32, oneMinusBeta : f32, weightDecay : f32,';
  shaderKey: string;

  constructor(
    shape: number[],
    private readonly which: 'first' | 'second',
  ) {
    super(shape);
    this.shaderKey = `gradlabAdamMoment_${which}`;
  }

  getUserCode(): string {
    const term = this.which === 'first' ? 'g' : 'exact(g * g)';
    return `${EXACT}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let g = exact(grad[index] + exact(param[index] * uniforms.weightDecay));
        setOutputAtIndex(index, exact(exact(moment[index] * uniforms.beta) + exact(${term} * uniforms.oneMinusBeta)));
      }`;
  }
}

/** p' = p - stepSize m' / (sqrt(v') / sqrt(1 - b2^t) + eps). */
class AdamParamProgram extends FlatProgram {
  readonly variableNames = ['param', 'm', 'v'];
  override readonly uniforms = 'zero : u32, stepSize : f32, sqrtBiasCorrection2 : f32, epsilon : f32,';
  shaderKey = 'gradlabAdamParam';

  getUserCode(): string {
    return `${EXACT}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let denominator = exact(exact(sqrt(v[index]) / uniforms.sqrtBiasCorrection2) + uniforms.epsilon);
        setOutputAtIndex(index, exact(param[index] - exact(exact(m[index] / denominator) * uniforms.stepSize)));
      }`;
  }
}
