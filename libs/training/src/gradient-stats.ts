import * as tf from '@tensorflow/tfjs-core';
import type { LayerGradientStat, LayerKind } from '@gradlab/contracts';
import { shortParamName, weightParams, type NetworkSpec, type ParamKind } from '@gradlab/models';

const KIND: Partial<Record<ParamKind, LayerKind>> = {
  conv_weight: 'conv',
  bn_weight: 'batchnorm',
  linear_weight: 'linear',
};

// Columns of the accumulator: sum of per-batch mean|g|, sum of per-batch L2, max|g|, non-finite count,
// mean|g| of the latest batch.
const SUM_MEAN_ABS = 0;
const SUM_L2 = 1;
const MAX_ABS = 2;
const NON_FINITE = 3;
const LAST_MEAN_ABS = 4;
const COLUMNS = 5;

/**
 * Per-epoch gradient statistics of every weight tensor (what the framework's plot_grad_flow takes: the
 * parameters without 'bias' in their name). Accumulated on the device in one [layers x 5] variable, so a
 * training step never waits for the host; read once per epoch.
 *
 * A step's statistics are a handful of kernels whatever the depth: the flattened gradients are padded with
 * zeros to one [layers x largest] matrix (zeros change no sum, no max |g| and no count) and reduced along
 * its rows. One set of kernels per layer made the statistics cost 5% of a VGG_38 step, in kernel overhead.
 */
export class GradientStatsAccumulator {
  private readonly names: string[];
  private readonly sizes: number[];
  private readonly largest: number;
  // Constants of every step, made once: each layer's element count, and which columns take the maximum and
  // which the latest batch (the others are summed).
  private readonly sizesTensor: tf.Tensor1D;
  private readonly isMaxColumn: tf.Tensor2D;
  private readonly isLastColumn: tf.Tensor2D;
  private readonly acc: tf.Variable;
  /** ||w after - w before|| / ||w before|| of the latest step that recorded it, per layer. */
  private readonly updateRatio: tf.Variable;
  private batches = 0;

  constructor(private readonly spec: NetworkSpec) {
    const weights = weightParams(spec);
    this.names = weights.map((p) => p.name);
    this.sizes = weights.map((p) => p.shape.reduce((a, b) => a * b, 1));
    this.largest = Math.max(...this.sizes);
    this.sizesTensor = tf.tensor1d(this.sizes);
    const columns = Array.from({ length: COLUMNS }, (_, c) => c);
    this.isMaxColumn = tf.tensor2d([columns.map((c) => c === MAX_ABS)], [1, COLUMNS], 'bool');
    this.isLastColumn = tf.tensor2d([columns.map((c) => c === LAST_MEAN_ABS)], [1, COLUMNS], 'bool');
    this.acc = tf.tidy(() => tf.variable(tf.zeros([this.names.length, COLUMNS]), false));
    this.updateRatio = tf.tidy(() => tf.variable(tf.fill([this.names.length], NaN), false));
  }

  /** Adds one batch's gradients (keyed by PyTorch parameter name). */
  add(grads: Record<string, tf.Tensor>): void {
    tf.tidy(() => {
      const rows = tf.stack(
        this.names.map((name, i) => tf.pad(tf.reshape(grads[name], [-1]), [[0, this.largest - this.sizes[i]]])),
      ) as tf.Tensor2D;
      const abs = tf.abs(rows);
      const meanAbs = tf.div(tf.sum(abs, 1), this.sizesTensor);
      const l2 = tf.sqrt(tf.sum(tf.square(rows), 1));
      const maxAbs = tf.max(abs, 1);
      // g - g is NaN exactly where g is NaN or infinite.
      const nonFinite = tf.sum(tf.cast(tf.isNaN(tf.sub(rows, rows)), 'float32'), 1);
      const batch = tf.stack([meanAbs, l2, maxAbs, nonFinite, meanAbs], 1); // [layers, COLUMNS]
      if (this.batches === 0) {
        this.acc.assign(batch);
        return;
      }
      const summed = tf.add(this.acc, batch);
      const combined = tf.where(
        this.isMaxColumn,
        tf.maximum(this.acc, batch),
        tf.where(this.isLastColumn, batch, summed),
      );
      this.acc.assign(combined);
    });
    this.batches++;
  }

  /**
   * Keeps the weights as they are before an optimiser step, for recordUpdate. A clone shares the data, and the
   * step's assign gives each variable new data, so nothing is copied.
   */
  weightsBefore(params: Map<string, tf.Variable>): tf.Tensor[] {
    return this.names.map((name) => tf.clone(params.get(name) as tf.Variable));
  }

  /** Records the update-to-weight ratio ||w - w_before|| / ||w_before|| of the step just taken. */
  recordUpdate(before: tf.Tensor[], params: Map<string, tf.Variable>): void {
    tf.tidy(() => {
      const ratios = this.names.map((name, i) =>
        tf.div(tf.norm(tf.sub(params.get(name) as tf.Variable, before[i])), tf.norm(before[i])),
      );
      this.updateRatio.assign(tf.stack(ratios));
    });
  }

  /** Reads the epoch's statistics, with the weights' L2 norms, and starts a new epoch. */
  async takeEpoch(params: Map<string, tf.Variable>): Promise<LayerGradientStat[]> {
    const weightNorms = tf.tidy(() => tf.stack(this.names.map((name) => tf.norm(params.get(name) as tf.Variable))));
    const [acc, norms, updates] = await Promise.all([this.acc.data(), weightNorms.data(), this.updateRatio.data()]);
    weightNorms.dispose();
    const n = Math.max(this.batches, 1);
    const stats = this.names.map((name, i): LayerGradientStat => {
      const at = (c: number) => acc[i * COLUMNS + c];
      const kind = this.spec.params.find((p) => p.name === name)?.kind as ParamKind;
      return {
        layerIndex: i,
        name,
        shortName: shortParamName(name),
        kind: KIND[kind] ?? 'conv',
        meanAbs: finiteOrNull(at(SUM_MEAN_ABS) / n),
        lastBatchMeanAbs: finiteOrNull(at(LAST_MEAN_ABS)),
        l2: finiteOrNull(at(SUM_L2) / n),
        maxAbs: finiteOrNull(at(MAX_ABS)),
        nonFiniteCount: Math.round(at(NON_FINITE)),
        weightL2: finiteOrNull(norms[i]),
        updateRatio: finiteOrNull(updates[i]),
      };
    });
    tf.tidy(() => {
      this.acc.assign(tf.zeros([this.names.length, COLUMNS]));
      this.updateRatio.assign(tf.fill([this.names.length], NaN));
    });
    this.batches = 0;
    return stats;
  }

  dispose(): void {
    tf.dispose([this.acc, this.updateRatio, this.sizesTensor, this.isMaxColumn, this.isLastColumn]);
  }
}

/** A statistic as stored: NaN and infinities (a diverged run) are null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
