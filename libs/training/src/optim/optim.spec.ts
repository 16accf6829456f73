import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { readManifest } from '@gradlab/models/testing';
import { cosineLearningRate } from './cosine-schedule';
import { TorchAdam } from './torch-adam';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('cosineLearningRate', () => {
  it("matches the framework's schedule recorded in the fixtures", () => {
    const { cosineSchedule } = readManifest('vgg08-conv_block') as unknown as {
      cosineSchedule: { lr0: number; etaMin: number; tMax: number; lrPerEpoch: number[] };
    };
    cosineSchedule.lrPerEpoch.forEach((lr, epoch) => {
      expect(cosineLearningRate(epoch, cosineSchedule.lr0, cosineSchedule.etaMin, cosineSchedule.tMax)).toBeCloseTo(
        lr,
        12,
      );
    });
  });
});

describe('TorchAdam', () => {
  it('follows torch.optim.Adam: coupled weight decay and eps added after the bias correction', () => {
    const p0 = [0.5, -1.5, 2];
    const gradsPerStep = [
      [0.1, -0.2, 0.3],
      [0.05, 0.1, -0.4],
      [-0.3, 0.0, 0.2],
    ];
    const lr = 0.01;
    const wd = 0.1;
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    // reference in double precision, written from the PyTorch docs' algorithm
    const p = [...p0];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    gradsPerStep.forEach((g, step) => {
      const t = step + 1;
      for (let i = 0; i < 3; i++) {
        const gi = g[i] + wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
        p[i] -= (lr / (1 - b1 ** t)) * (m[i] / denom);
      }
    });

    const param = tf.variable(tf.tensor1d(p0));
    const adam = new TorchAdam(new Map([['w', param]]), { weightDecay: wd });
    for (const g of gradsPerStep) {
      const grad = tf.tensor1d(g);
      adam.apply({ w: grad }, lr);
      grad.dispose();
    }
    const got = param.dataSync();
    p.forEach((expected, i) => expect(got[i]).toBeCloseTo(expected, 6));
    adam.dispose();
    param.dispose();
  });
});
