import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigSchema } from '@gradlab/contracts';
import {
  describeNetwork,
  IMAGE_CHANNELS,
  pickModelConfig,
  type FixtureManifest,
  type NetworkSpec,
} from '@gradlab/models';
import { createNetwork, crossEntropy, disposeNetwork, forward } from '@gradlab/models/tf';
import { cosineLearningRate } from '../optim/cosine-schedule';
import { TorchAdam } from '../optim/torch-adam';
import { trainStep, zerosVariable } from '../train-run';
import {
  l2AfterComparisons,
  relativeComparison,
  summarise,
  type ParityComparison,
  type ParityReport,
} from './parity-check';
import { readNchwAsNhwc, readParameters } from './parity-fixture';

/** The fixtures README's bounds for trajectories: floors, and how many times PyTorch's own spread. */
const LOSS_PER_STEP_FLOOR = 1e-4;
const AFTER_LAST_STEP_FLOOR = 1e-3;
const SPREADS = 10;

interface TrajectoryManifest extends FixtureManifest {
  config: FixtureManifest['config'] & {
    batch: number;
    epochs: number;
    stepsPerEpoch: number;
    optimizer: { lr0: number; weightDecay: number; betas: [number, number]; eps: number };
    schedule: { etaMin: number; tMax: number };
  };
  inputs: { file: string; shape: number[] };
  evalInputs: { file: string; shape: number[] };
  labels: number[];
  evalLabels: number[];
  lossPerStep: number[];
  paramL2After: Record<string, number>;
  runningL2After: Record<string, number>;
  eval: { loss: number; logitsL2: number };
  float32Spread: {
    lossPerStep: number[];
    paramL2After: Record<string, number>;
    runningL2After: Record<string, number>;
    eval: { loss: number; logitsL2: number };
  };
}

export interface TrajectoryFixture {
  name: string;
  manifest: TrajectoryManifest;
  spec: NetworkSpec;
  values: Map<string, Float32Array>;
  /** Every training batch, NHWC, in order. */
  inputs: Float32Array;
  evalInput: Float32Array;
}

/** A trajectory folder (`make_trajectory.py`) is told from a one-step one by its per-step losses. */
export function isTrajectoryFixture(dir: string): boolean {
  const file = path.join(dir, 'manifest.json');
  return existsSync(file) && Array.isArray(JSON.parse(readFileSync(file, 'utf8')).lossPerStep);
}

export function loadTrajectoryFixture(dir: string): TrajectoryFixture {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as TrajectoryManifest;
  const { batch, epochs, stepsPerEpoch } = manifest.config;
  const steps = epochs * stepsPerEpoch;
  if (manifest.inputs.shape[0] !== steps * batch)
    throw new Error(
      `${dir}/${manifest.inputs.file}: ${manifest.inputs.shape[0]} images, expected ${steps} steps x ${batch}`,
    );
  if (manifest.labels.length !== steps * batch)
    throw new Error(`${dir}/manifest.json: ${manifest.labels.length} labels, expected ${steps * batch}`);
  if (manifest.lossPerStep.length !== steps)
    throw new Error(`${dir}/manifest.json: ${manifest.lossPerStep.length} losses, expected ${steps}`);
  const spec = describeNetwork(ModelConfigSchema.parse(pickModelConfig(manifest.config)));
  return {
    name: path.basename(path.resolve(dir)),
    manifest,
    spec,
    values: readParameters(dir, manifest, spec),
    inputs: readNchwAsNhwc(dir, manifest.inputs.file, manifest.inputs.shape),
    evalInput: readNchwAsNhwc(dir, manifest.evalInputs.file, manifest.evalInputs.shape),
  };
}

/**
 * Trains the fixture's batches in order with gradlab's own trainStep, TorchAdam and cosine schedule (as a
 * worker does, less augmentation and shuffling), then evaluates the held-out batch in eval mode, and
 * compares the loss at every step, every parameter's and running statistic's L2 after the last step, and the
 * eval loss and logits with the README's bounds.
 */
export async function checkTrajectory(fixture: TrajectoryFixture, backend: string): Promise<ParityReport> {
  const { manifest, spec } = fixture;
  const { batch, epochs, stepsPerEpoch, optimizer, schedule } = manifest.config;
  const spread = manifest.float32Spread;
  const comparisons: ParityComparison[] = [];
  const net = createNetwork(spec, fixture.values);
  const adam = new TorchAdam(net.params, {
    beta1: optimizer.betas[0],
    beta2: optimizer.betas[1],
    epsilon: optimizer.eps,
    weightDecay: optimizer.weightDecay,
  });
  const sums = zerosVariable([2]); // trainStep adds each batch's loss and accuracy here
  const [h, w, c] = [spec.imageSize, spec.imageSize, IMAGE_CHANNELS];
  const imageSize = h * w * c;
  let firstDivergentStep: { step: number; epoch: number } | null = null;
  try {
    let previous = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const lr = cosineLearningRate(epoch, optimizer.lr0, schedule.etaMin, schedule.tMax);
      for (let s = 0; s < stepsPerEpoch; s++) {
        const step = epoch * stepsPerEpoch + s;
        const x = tf.tensor4d(fixture.inputs.subarray(step * batch * imageSize, (step + 1) * batch * imageSize), [
          batch,
          h,
          w,
          c,
        ]);
        const y = tf.tensor1d(manifest.labels.slice(step * batch, (step + 1) * batch), 'int32');
        trainStep({ net, optimizer: adam, stats: null, sums, x, y, learningRate: lr });
        tf.dispose([x, y]);
        const total = (await sums.data())[0];
        const loss = total - previous;
        previous = total;
        const expected = manifest.lossPerStep[step];
        const bound = Math.max(LOSS_PER_STEP_FLOOR, SPREADS * spread.lossPerStep[step]);
        const comparison = relativeComparison({
          quantity: 'lossPerStep',
          name: `step ${step}`,
          kind: 'loss',
          expected,
          actual: loss,
          bound,
        });
        comparisons.push(comparison);
        if (!firstDivergentStep && !(comparison.error <= comparison.bound)) firstDivergentStep = { step, epoch };
      }
    }
    const afterLastStep = (spreadOf: number | undefined) => Math.max(AFTER_LAST_STEP_FLOOR, SPREADS * (spreadOf ?? 0));
    comparisons.push(
      ...(await l2AfterComparisons(
        net,
        spec,
        { params: manifest.paramL2After, running: manifest.runningL2After },
        {
          param: (name) => afterLastStep(spread.paramL2After[name]),
          running: (name) => afterLastStep(spread.runningL2After[name]),
        },
      )),
    );
    const evalCount = manifest.evalLabels.length;
    const [evalLoss, logitsL2] = await tf
      .tidy(() => {
        const x = tf.tensor4d(fixture.evalInput, [evalCount, h, w, c]);
        const { logits } = forward(net, x, false); // eval mode: the running statistics
        return tf.stack([crossEntropy(logits, tf.tensor1d(manifest.evalLabels, 'int32')), tf.norm(logits)]);
      })
      .data();
    comparisons.push(
      relativeComparison({
        quantity: 'evalLoss',
        name: 'eval loss',
        kind: 'eval',
        expected: manifest.eval.loss,
        actual: evalLoss,
        bound: afterLastStep(spread.eval.loss),
      }),
    );
    comparisons.push(
      relativeComparison({
        quantity: 'evalLogitsL2',
        name: 'eval logits L2',
        kind: 'eval',
        expected: manifest.eval.logitsL2,
        actual: logitsL2,
        bound: afterLastStep(spread.eval.logitsL2),
      }),
    );
  } finally {
    sums.dispose();
    adam.dispose();
    disposeNetwork(net);
  }
  return { ...summarise(fixture.name, backend, comparisons), firstDivergentStep };
}
