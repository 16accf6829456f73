import type { ParamSpec } from './network-spec';

/**
 * PyTorch layout -> TensorFlow.js layout: conv [out, in, kh, kw] -> [kh, kw, in, out], linear [out, in] ->
 * [in, out]; vectors are the same in both.
 */
export function torchToTfLayout(p: ParamSpec, data: Float32Array): Float32Array {
  if (p.torchShape.length === 4) {
    const [o, i, kh, kw] = p.torchShape;
    const out = new Float32Array(data.length);
    for (let a = 0; a < o; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = data[((a * i + b) * kh + y) * kw + x];
    return out;
  }
  if (p.torchShape.length === 2) {
    const [o, i] = p.torchShape;
    const out = new Float32Array(data.length);
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[b * o + a] = data[a * i + b];
    return out;
  }
  return data.slice();
}
