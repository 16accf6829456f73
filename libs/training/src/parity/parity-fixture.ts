import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelConfigSchema, type ModelConfig } from '@gradlab/contracts';
import {
  describeNetwork,
  pickModelConfig,
  readManifestAt,
  torchToTfLayout,
  type FixtureManifest,
  type NetworkSpec,
} from '@gradlab/models';

/** Everything a fixture folder holds, converted to TensorFlow.js layouts. */
export interface ParityFixture {
  name: string;
  manifest: ParityManifest;
  model: ModelConfig;
  spec: NetworkSpec;
  /** Parameters in TF.js layout, by PyTorch name. */
  values: Map<string, Float32Array>;
  /** Input batch, NHWC. */
  input: Float32Array;
  inputShape: [number, number, number, number];
  labels: Int32Array;
  logits: Float32Array;
}

export interface ParityManifest extends FixtureManifest {
  labels: number[];
  loss: number;
  gradMeanAbs: Record<string, number>;
  gradL2: Record<string, number>;
  adamStep: {
    lr: number;
    weightDecay: number;
    betas: [number, number];
    eps: number;
    paramL2After: Record<string, number>;
  };
  batchNormRunningL2After: Record<string, number>;
  float32VsFloat64: {
    maxRelErrGradMeanAbsByKind: Record<string, number>;
    relErrByParam?: Record<string, { paramL2After?: number }>;
  };
  input: { file: string; shape: [number, number, number, number] };
  logits: { file: string; shape: [number, number] };
}

export function loadParityFixture(dir: string): ParityFixture {
  const manifest = readManifestAt(path.resolve(dir)) as ParityManifest;
  const model = ModelConfigSchema.parse(pickModelConfig(manifest.config));
  const spec = describeNetwork(model);
  const [n, , h, w] = manifest.input.shape;
  return {
    name: path.basename(path.resolve(dir)),
    manifest,
    model,
    spec,
    values: readParameters(dir, manifest, spec),
    input: readNchwAsNhwc(dir, manifest.input.file, manifest.input.shape),
    inputShape: [n, h, w, manifest.input.shape[1]],
    labels: Int32Array.from(manifest.labels),
    logits: readFloat32(path.join(dir, manifest.logits.file)),
  };
}

/** The fixture's parameters (weights.bin, PyTorch layout) in TF.js layout, by PyTorch name. */
export function readParameters(dir: string, manifest: FixtureManifest, spec: NetworkSpec): Map<string, Float32Array> {
  const weights = readFloat32(path.join(dir, 'weights.bin'));
  const values = new Map<string, Float32Array>();
  for (const p of spec.params) {
    const entry = manifest.params.find((m) => m.name === p.name);
    if (!entry) throw new Error(`${dir}: manifest has no parameter ${p.name}`);
    if (entry.length !== p.shape.reduce((a, b) => a * b, 1))
      throw new Error(`${dir}: ${p.name} has ${entry.length} values, expected shape ${p.torchShape}`);
    values.set(p.name, torchToTfLayout(p, weights.subarray(entry.offset, entry.offset + entry.length)));
  }
  return values;
}

/** A float32 NCHW file as NHWC, what TF.js convolutions take. */
export function readNchwAsNhwc(dir: string, file: string, [n, c, h, w]: number[]): Float32Array {
  const nchw = readFloat32(path.join(dir, file));
  if (nchw.length !== n * c * h * w)
    throw new Error(`${dir}/${file}: ${nchw.length} values, expected ${n * c * h * w}`);
  const nhwc = new Float32Array(nchw.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) nhwc[((b * h + y) * w + x) * c + ch] = nchw[((b * c + ch) * h + y) * w + x];
  return nhwc;
}

function readFloat32(file: string): Float32Array {
  const bytes = readFileSync(file);
  if (bytes.length % 4 !== 0) throw new Error(`${file}: ${bytes.length} bytes is not a whole number of float32 values`);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
