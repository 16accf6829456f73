import * as tf from '@tensorflow/tfjs-core';
import { GRADLAB_KERNELS, type GradlabKernelAttrs } from '@gradlab/contracts';
import { runGradlabKernel } from '@gradlab/models/tf';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

/**
 * torch.optim.Adam exactly: coupled weight decay (g += wd * p), bias-corrected moments, and eps added to
 * sqrt(v_hat) (TF.js's own Adam adds it to sqrt(v) before the correction, which differs early on).
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
export class TorchAdam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Map<string, tf.Variable>,
    options: AdamOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    for (const [name, p] of params) {
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
    }
  }

  apply(grads: Record<string, tf.Tensor>, learningRate: number): void {
    this.step++;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    const stepSize = learningRate / bc1;
    if (tf.getKernel(GRADLAB_KERNELS.adamStep, tf.getBackend())) {
      this.applyFused(grads, {
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        weightDecay: this.weightDecay,
        stepSize,
        sqrtBiasCorrection2: Math.sqrt(bc2),
      });
      return;
    }
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        let g = grads[name];
        if (!g) throw new Error(`no gradient for ${name}`);
        if (this.weightDecay !== 0) g = tf.add(g, tf.mul(p, this.weightDecay));
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), this.epsilon);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
  }

  private applyFused(grads: Record<string, tf.Tensor>, attrs: GradlabKernelAttrs['adamStep']): void {
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const grad = grads[name];
        if (!grad) throw new Error(`no gradient for ${name}`);
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        const [newM, newV, newParam] = runGradlabKernel('adamStep', { param: p, m, v, grad }, attrs) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        p.assign(newParam);
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
