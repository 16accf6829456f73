import * as tf from '@tensorflow/tfjs-core';
import type { LayerGradientStat, LayerKind } from '@gradlab/contracts';
import { shortParamName, weightParams, type NetworkSpec, type ParamKind } from '@gradlab/models';

const KIND: Partial<Record<ParamKind, LayerKind>> = { conv_weight: 'conv', bn_weight: 'batchnorm', linear_weight: 'linear' };

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
 */
export class GradientStatsAccumulator {
  private readonly names: string[];
  private readonly acc: tf.Variable;
  private batches = 0;

  constructor(private readonly spec: NetworkSpec) {
    this.names = weightParams(spec).map((p) => p.name);
    this.acc = tf.tidy(() => tf.variable(tf.zeros([this.names.length, COLUMNS]), false));
  }

  add(grads: Record<string, tf.Tensor>): void {
    tf.tidy(() => {
      const rows = this.names.map((name) => {
        const g = grads[name];
        const abs = tf.abs(g);
        const finite = tf.logicalNot(tf.logicalOr(tf.isNaN(g), tf.isInf(g)));
        return tf.stack([tf.mean(abs), tf.norm(g), tf.max(abs), tf.sum(tf.cast(tf.logicalNot(finite), 'float32'))]);
      });
      const batch = tf.stack(rows); // [layers, 4]
      const prev = this.acc;
      const col = (t: tf.Tensor, c: number) => tf.slice(t, [0, c], [-1, 1]);
      const first = this.batches === 0;
      this.acc.assign(
        tf.concat(
          [
            tf.add(col(prev, SUM_MEAN_ABS), col(batch, 0)),
            tf.add(col(prev, SUM_L2), col(batch, 1)),
            first ? col(batch, 2) : tf.maximum(col(prev, MAX_ABS), col(batch, 2)),
            tf.add(col(prev, NON_FINITE), col(batch, 3)),
            col(batch, 0),
          ],
          1,
        ),
      );
    });
    this.batches++;
  }

  /** Reads the epoch's statistics, with the weights' L2 norms, and starts a new epoch. */
  async takeEpoch(params: Map<string, tf.Variable>): Promise<LayerGradientStat[]> {
    const weightNorms = tf.tidy(() => tf.stack(this.names.map((name) => tf.norm(params.get(name) as tf.Variable))));
    const [acc, norms] = await Promise.all([this.acc.data(), weightNorms.data()]);
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
      };
    });
    tf.tidy(() => this.acc.assign(tf.zeros([this.names.length, COLUMNS])));
    this.batches = 0;
    return stats;
  }

  dispose(): void {
    this.acc.dispose();
  }
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
