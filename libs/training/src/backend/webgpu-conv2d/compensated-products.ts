import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { COMPENSATED_ADDITION, EXACT, FlatProgram, ZERO } from '../webgpu-program';

/**
 * How a product's rounding error is found: by fma where the device computes it exactly (a GPU's fused
 * multiply-add: one operation), else by Dekker's product of Veltkamp's halves (seventeen; Mesa computes fma as
 * a multiply and an add). Both give the error exactly, so the same sums; probeExactFma decides, once.
 */
let productErrorBy: 'fma' | 'dekker' = 'dekker';

/** Which way the convolutions find products' errors on this device (see probeExactFma). */
export function webGpuProductError(): 'fma' | 'dekker' {
  return productErrorBy;
}

/** Overrides the probe's choice, to check both ways on one device (`npm run parity -- --webgpu-products`). */
export function setWebGpuProductError(way: 'fma' | 'dekker'): void {
  productErrorBy = way;
}

const PRODUCT_ERROR = {
  fma: /* wgsl */ `
  fn productError(a: f32, b: f32, p: f32) -> f32 { return fma(a, b, -p); }`,
  dekker: /* wgsl */ `
  fn productError(a: f32, b: f32, p: f32) -> f32 {
    let aBig = exact(4097.0 * a);
    let aHi = exact(aBig - exact(aBig - a));
    let aLo = exact(a - aHi);
    let bBig = exact(4097.0 * b);
    let bHi = exact(bBig - exact(bBig - b));
    let bLo = exact(b - bHi);
    let e = exact(exact(aHi * bHi) - p);
    let e2 = exact(e + exact(aHi * bLo));
    let e3 = exact(e2 + exact(aLo * bHi));
    return exact(e3 + exact(aLo * bLo));
  }`,
};

/**
 * A running sum of float32 products kept as an unevaluated pair (COMPENSATED_ADDITION), each product's rounding
 * error added from productError: `s + c` is the exact sum of products rounded about once (Ogita, Rump and
 * Oishi's Dot2).
 */
export function compensatedSum(): string {
  return /* wgsl */ `
  ${EXACT}${COMPENSATED_ADDITION}
  fn addProduct(acc: ptr<function, Sum>, a: f32, b: f32) {
    let p = exact(a * b);
    addTo(acc, p);
    (*acc).c = exact((*acc).c + productError(a, b, p));
  }
  // a * b - p exactly, p being a * b rounded.
  ${PRODUCT_ERROR[productErrorBy]}
`;
}

/** Products whose rounding error fma must give exactly: near 1, tiny, large, of either sign. */
const PROBE_PAIRS: [number, number][] = [
  [1 + 2 ** -20, 1 - 2 ** -20],
  [3.3, 7.7],
  [-0.1, 0.3],
  [1e-20, 3.7e-15],
  [12345.678, -0.000321],
];

/**
 * Runs fma on the device over PROBE_PAIRS and keeps it for the convolutions when every error comes out
 * exactly (a float32 product's rounding error is itself a float32, so the comparison is exact).
 */
export async function probeExactFma(): Promise<'fma' | 'dekker'> {
  const backend = tf.backend() as WebGPUBackend;
  const a = tf.tensor1d(PROBE_PAIRS.map(([x]) => x));
  const b = tf.tensor1d(PROBE_PAIRS.map(([, y]) => y));
  const out = tf
    .engine()
    .makeTensorFromTensorInfo(
      backend.runWebGPUProgram(new FmaProbeProgram([PROBE_PAIRS.length]), [a, b], 'float32', [ZERO]),
    );
  const got = await out.data();
  tf.dispose([a, b, out]);
  const exact = PROBE_PAIRS.every(([x, y], i) => {
    const [fx, fy] = [Math.fround(x), Math.fround(y)];
    return got[i] === fx * fy - Math.fround(fx * fy); // float32 products are exact in float64
  });
  productErrorBy = exact ? 'fma' : 'dekker';
  return productErrorBy;
}

class FmaProbeProgram extends FlatProgram {
  readonly variableNames = ['a', 'b'];
  override readonly uniforms = 'zero : u32,';
  shaderKey = 'gradlabFmaProbe';

  getUserCode(): string {
    return `${EXACT}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let p = exact(a[index] * b[index]);
        setOutputAtIndex(index, fma(a[index], b[index], -p));
      }`;
  }
}
