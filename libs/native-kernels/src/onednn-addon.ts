import { existsSync } from 'node:fs';
import path from 'node:path';

/** The geometry of one convolution, in the order the addon reads it (see onednn_convolutions.h). */
export type ConvGeometry = [
  batch: number,
  inHeight: number,
  inWidth: number,
  inChannels: number,
  outChannels: number,
  filterHeight: number,
  filterWidth: number,
  outHeight: number,
  outWidth: number,
  strideHeight: number,
  strideWidth: number,
  padTop: number,
  padLeft: number,
  padBottom: number,
  padRight: number,
  dilationHeight: number,
  dilationWidth: number,
];

/** What build/Release/gradlab_onednn.node exports. Each kernel answers the implementation oneDNN chose. */
export interface OneDnnAddon {
  conv2dForward(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: ConvGeometry): string;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: ConvGeometry): string;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, geometry: ConvGeometry): string;
  /** Batch norm's training kernels on [rows, channels] data (elementwise_kernels.h), per-channel sums in double. */
  batchNormMoments(x: Float32Array, moments: Float32Array, channels: number): void;
  batchNormNormalize(
    x: Float32Array,
    moments: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    channels: number,
    epsilon: number,
  ): void;
  batchNormGradSum(
    dy: Float32Array,
    x: Float32Array,
    moments: Float32Array,
    out: Float32Array,
    channels: number,
    epsilon: number,
    gamma: boolean,
  ): void;
  batchNormInputGrad(
    dy: Float32Array,
    x: Float32Array,
    moments: Float32Array,
    gamma: Float32Array,
    dBeta: Float32Array,
    dGamma: Float32Array,
    dx: Float32Array,
    channels: number,
    epsilon: number,
  ): void;
  /** leaky_relu's gradient, dy * step(x, alpha), in one pass. */
  leakyReluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, alpha: number): void;
  /**
   * torch.optim.Adam's update of one parameter into newM, newV and newParam; constants: beta1, 1 - beta1, beta2,
   * 1 - beta2, weightDecay, stepSize, sqrt(1 - beta2^t), epsilon.
   */
  adamStep(
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    grad: Float32Array,
    newM: Float32Array,
    newV: Float32Array,
    newParam: Float32Array,
    constants: Float64Array,
  ): void;
  /** oneDNN's OpenMP threads for what follows; answers the count now in force. */
  setThreads(threads: number): number;
  threads(): number;
  /** Primitives created so far, one per kernel and shape. */
  cachedPrimitives(): number;
  /** oneDNN's version, e.g. "2.6.3". */
  version(): string;
}

/** What to do when the addon is not there; said in the install's line and the worker's log. */
export const ONEDNN_INSTALL_HINT = 'apt-get install libdnnl-dev && npm rebuild @gradlab/native-kernels';

const ADDON_PATH = path.join(__dirname, '../build/Release/gradlab_onednn.node');

let loaded: OneDnnAddon | undefined;

/**
 * Loads the oneDNN addon, once per process, or throws one line saying why not (not built; or built and its
 * libdnnl.so.2 missing, as on a machine with the addon but without the libdnnl2 package).
 * OpenMP's threads wait passively unless told otherwise: spinning, they would take the cores from the wasm
 * backend's own threads between two convolutions. libgomp reads that when it loads, with the addon.
 */
export function loadOneDnn(): OneDnnAddon {
  if (loaded) return loaded;
  if (!existsSync(ADDON_PATH))
    throw new Error(
      `the oneDNN addon is not built (${ONEDNN_INSTALL_HINT}): ${path.relative(process.cwd(), ADDON_PATH)}`,
    );
  process.env.OMP_WAIT_POLICY ??= 'passive';
  try {
    loaded = require(ADDON_PATH) as OneDnnAddon;
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0];
    const library = /(libdnnl\.so[.\d]*|libgomp\.so[.\d]*)/.exec(firstLine)?.[1];
    if (library)
      throw new Error(`the oneDNN addon is built but ${library} is missing (apt-get install libdnnl2): ${firstLine}`);
    throw new Error(`the oneDNN addon did not load: ${firstLine}`);
  }
  return loaded;
}
