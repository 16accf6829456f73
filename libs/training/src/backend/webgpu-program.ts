import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * `exact(x)` is x, passed through its bits xor a 0 known only at run time (`uniforms.zero`, see ZERO): an
 * optimiser can neither fuse the operation that made x with the one that uses it nor reorder across it. Shader
 * compilers treat float arithmetic as real numbers (Mesa fused and reordered compensated sums even through a
 * multiply by a 1.0 known only at run time); wrapped this way, every operation is rounded as written, as
 * TensorFlow.js's one-kernel-per-operation path rounds it.
 */
export const EXACT = /* wgsl */ `
  fn exact(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ uniforms.zero); }
`;

/** The uniform of every program that uses EXACT; its `uniforms` string starts with 'zero : u32,'. */
export const ZERO = { type: 'uint32', data: [0] };

/**
 * A running sum kept as an unevaluated pair, sum + compensation: Knuth's TwoSum gives each addition's rounding
 * error exactly (whatever the operands' order), so `s + c` is the exact sum rounded about once. Needs EXACT.
 */
export const COMPENSATED_ADDITION = /* wgsl */ `
  struct Sum { s: f32, c: f32 }
  fn addTo(acc: ptr<function, Sum>, v: f32) {
    let a = (*acc).s;
    let s = exact(a + v);
    let vPart = exact(s - a);
    let aPart = exact(s - vPart);
    let error = exact(exact(a - aPart) + exact(v - vPart));
    (*acc).s = s;
    (*acc).c = exact((*acc).c + error);
  }
`;

/**
 * What gradlab's WebGPU programs share: a flat dispatch, one output element per thread unless the program
 * gives its own workgroup count.
 */
export abstract class FlatProgram implements WebGPUProgram {
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  /** Declares `uniforms.size`, the output's element count. */
  readonly size = true;
  abstract readonly variableNames: string[];
  /** Names the shader; the backend adds the inputs' ranks and types, and caches one pipeline per key. */
  abstract shaderKey: string;
  readonly uniforms?: string;

  constructor(
    readonly outputShape: number[],
    { workgroupSize = 64, workgroups }: { workgroupSize?: number; workgroups?: number } = {},
  ) {
    // Loaded here: the package is an optional dependency, and only a started webgpu backend makes programs.
    const { webgpu_util } =
      require('@tensorflow/tfjs-backend-webgpu') as typeof import('@tensorflow/tfjs-backend-webgpu');
    this.workgroupSize = [workgroupSize, 1, 1];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
    this.dispatch = workgroups
      ? [workgroups, 1, 1]
      : webgpu_util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }

  abstract getUserCode(): string;
}
