import * as tf from '@tensorflow/tfjs-core';
import type { EpochCompletedEvent, ExperimentConfig } from '@gradlab/contracts';
import { deepSupervisionWeight, describeNetwork, SeededRandom } from '@gradlab/models';
import {
  accuracy,
  createNetwork,
  crossEntropy,
  disposeNetwork,
  forward,
  initialParameterValues,
  updateRunningStats,
  type Network,
} from '@gradlab/models/tf';
import { fillBatch } from './data/batches';
import { loadSplits } from './data/datasets';
import { IMAGE_BYTES, type ImageSet } from './data/image-set';
import { BestWeights } from './best-weights';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { RunCancelledError } from './errors';
import { finiteOrNull, GradientStatsAccumulator } from './gradient-stats';
import { cosineLearningRate } from './optim/cosine-schedule';
import { TorchAdam } from './optim/torch-adam';
import { readTrainingState, restoreTrainingState } from './training-state';

/** What an epoch reports: the epoch.completed event of the contracts, less its envelope. */
export type EpochResult = Omit<EpochCompletedEvent, 'v' | 'type' | 'runId' | 'at'>;

export interface TrainRunResult {
  bestEpoch: number;
  testLoss: number | null;
  testAccuracy: number;
}

/** What the loop tells its caller, and asks it. */
export interface TrainRunCallbacks {
  /** Called after every epoch; the loop waits for it (the worker publishes the epoch). */
  onEpoch(result: EpochResult): Promise<void>;
  /** Called at most every `progressIntervalMs` with the position inside the epoch. */
  onProgress?(progress: { epoch: number; batch: number; batchesPerEpoch: number; epochElapsedMs: number }): void;
  /** Polled at most every `cancelPollMs`, and at every epoch's start; true stops the run with RunCancelledError. */
  isCancelled?(): Promise<boolean>;
  /** Called after every epoch's onEpoch with the checkpoints to keep: 'best' when validation improved. */
  onCheckpoint?(kind: 'latest' | 'best', bytes: Buffer, epoch: number): Promise<void>;
}

export interface TrainRunOptions {
  /** Continue from these checkpoints instead of starting afresh. */
  resume?: { latest: Uint8Array; best: Uint8Array | null };
  progressIntervalMs?: number;
  cancelPollMs?: number;
  /** The clock the progress and cancel throttles and epoch durations read (tests give their own). */
  now?: () => number;
}

/**
 * Trains one experiment as the course framework does: seeded split and shuffling, augmentation, Adam with
 * coupled weight decay, cosine annealing per epoch; metrics are means over the epoch's batches; test metrics
 * come from the weights of the best validation epoch.
 */
export async function trainRun(
  runId: string,
  config: ExperimentConfig,
  dataDir: string,
  callbacks: TrainRunCallbacks,
  options: TrainRunOptions = {},
): Promise<TrainRunResult> {
  const { training } = config;
  const now = options.now ?? Date.now;
  const splits = await loadSplits(config.data, dataDir, training.seed);
  const spec = describeNetwork(config.model);
  const net = createNetwork(spec, initialParameterValues(spec, training.seed));
  const optimizer = new TorchAdam(net.params, { weightDecay: training.weightDecay });
  const stats = new GradientStatsAccumulator(spec);
  const best = new BestWeights();
  let random = new SeededRandom(training.seed + 1);
  let firstEpoch = 0;
  const batchesPerEpoch = Math.ceil(splits.train.count / training.batchSize);
  const progressDue = throttle(options.progressIntervalMs ?? 1000, now);
  const cancelPollDue = throttle(options.cancelPollMs ?? 1000, now);

  const checkCancelled = async (force = false) => {
    if (!callbacks.isCancelled || !cancelPollDue(force)) return;
    if (await callbacks.isCancelled()) throw new RunCancelledError(runId);
  };

  try {
    if (options.resume) {
      const latest = decodeCheckpoint(options.resume.latest, `latest checkpoint of run ${runId}`);
      restoreTrainingState(net, optimizer, latest.tensors);
      optimizer.step = latest.meta.adamStep;
      random = new SeededRandom(latest.meta.random);
      firstEpoch = latest.meta.epoch + 1;
      if (latest.meta.best && options.resume.best)
        best.adopt(latest.meta.best, decodeCheckpoint(options.resume.best, `best checkpoint of run ${runId}`).tensors);
    }
    for (let epoch = firstEpoch; epoch < training.epochs; epoch++) {
      await checkCancelled(true);
      const started = now();
      const learningRate = cosineLearningRate(epoch, training.learningRate, training.minLearningRate, training.epochs);
      const order = random.permutation(splits.train.count);
      const sums = zerosVariable([2]); // loss, accuracy summed over batches
      const batch = new Batch(training.batchSize);

      for (let b = 0; b < batchesPerEpoch; b++) {
        const start = b * training.batchSize;
        const end = Math.min(start + training.batchSize, splits.train.count);
        const { x, y } = batch.fill(splits.train, order, start, end, config.data.augment ? random : null);
        trainStep({
          net,
          optimizer,
          stats,
          sums,
          x,
          y,
          learningRate,
          auxWeight: deepSupervisionWeight(epoch, training.epochs),
          recordUpdate: b === batchesPerEpoch - 1,
        });
        x.dispose();
        y.dispose();
        if (callbacks.onProgress && progressDue())
          callbacks.onProgress({ epoch, batch: b + 1, batchesPerEpoch, epochElapsedMs: now() - started });
        // Let the event loop breathe: the queue's lock renewal and heartbeats run between steps.
        await new Promise((resolve) => setImmediate(resolve));
        await checkCancelled();
      }

      const [lossSum, accSum] = await sums.data();
      sums.dispose();
      const layers = await stats.takeEpoch(net.params);
      const val = await evaluate(net, splits.val, training.batchSize);
      const improved = best.offer(net, epoch, val.accuracy);
      await callbacks.onEpoch({
        epoch,
        totalEpochs: training.epochs,
        trainLoss: finiteOrNull(lossSum / batchesPerEpoch),
        trainAccuracy: accSum / batchesPerEpoch,
        valLoss: finiteOrNull(val.loss),
        valAccuracy: val.accuracy,
        learningRate,
        durationMs: now() - started,
        layers,
      });
      // After the epoch is reported: a worker that dies in between redoes the epoch, which the api stores once.
      if (callbacks.onCheckpoint && best.best) {
        const meta = { runId, epoch, random: random.state(), adamStep: optimizer.step, best: best.best };
        if (improved)
          await callbacks.onCheckpoint(
            'best',
            encodeCheckpoint({ meta: { ...meta, kind: 'best' }, tensors: await best.read() }),
            epoch,
          );
        await callbacks.onCheckpoint(
          'latest',
          encodeCheckpoint({ meta: { ...meta, kind: 'latest' }, tensors: await readTrainingState(net, optimizer) }),
          epoch,
        );
      }
    }

    const bestEpoch = best.best;
    if (!bestEpoch) throw new Error('no epoch was trained');
    best.restoreInto(net);
    const test = await evaluate(net, splits.test, training.batchSize);
    return { bestEpoch: bestEpoch.epoch, testLoss: finiteOrNull(test.loss), testAccuracy: test.accuracy };
  } finally {
    best.dispose();
    stats.dispose();
    optimizer.dispose();
    disposeNetwork(net);
  }
}

/** A gate that opens at most once per interval of the clock (always when forced, and the first time). */
function throttle(intervalMs: number, now: () => number): (force?: boolean) => boolean {
  let last = -Infinity;
  return (force = false) => {
    const time = now();
    if (!force && time - last < intervalMs) return false;
    last = time;
    return true;
  };
}

/** One optimisation step's inputs. */
export interface TrainStep {
  net: Network;
  optimizer: TorchAdam;
  /** The epoch's gradient statistics; null for the benchmark, which measures the step alone. */
  stats: GradientStatsAccumulator | null;
  /** [loss, accuracy] summed over the epoch's batches: this step's are added in place. */
  sums: tf.Variable;
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  learningRate: number;
  /** Deep supervision: the weight of the auxiliary classifiers' losses (0 without). */
  auxWeight?: number;
  /** Record the update-to-weight ratio of this step (the epoch's last) in the statistics. */
  recordUpdate?: boolean;
}

/**
 * One optimisation step, all on the device: forward, backward, gradient statistics (unless `stats` is null),
 * Adam, BN running statistics, loss and accuracy sums. Everything it allocates is freed. With deep
 * supervision the optimised loss adds `auxWeight` x the auxiliary classifiers' losses; the loss summed for
 * the epoch's metric is the main classifier's alone, comparable with every other run.
 */
export function trainStep(step: TrainStep): void {
  tf.tidy(() => trainStepInScope(step));
}

function trainStepInScope({
  net,
  optimizer,
  stats,
  sums,
  x,
  y,
  learningRate,
  auxWeight = 0,
  recordUpdate = false,
}: TrainStep): void {
  // Set inside the gradient function: its batch-norm statistics, and [main loss, accuracy] kept past it.
  const kept: { batchStats: ReturnType<typeof forward>['batchStats']; metrics?: tf.Tensor1D } = { batchStats: [] };
  const params = [...net.params.values()];
  const { grads: byId } = tf.variableGrads(() => {
    const out = forward(net, x, true);
    kept.batchStats = out.batchStats;
    const mainLoss = crossEntropy(out.logits, y);
    kept.metrics = tf.keep(tf.stack([mainLoss, accuracy(out.logits, y)]) as tf.Tensor1D);
    if (out.auxLogits.length === 0) return mainLoss;
    return tf.add(
      mainLoss,
      tf.mul(tf.addN(out.auxLogits.map((logits) => crossEntropy(logits, y))), auxWeight),
    ) as tf.Scalar;
  }, params);
  // variableGrads keys gradients by the variables' internal names; map them back to PyTorch names.
  const grads: Record<string, tf.Tensor> = {};
  for (const [name, v] of net.params) grads[name] = byId[v.name];
  stats?.add(grads);
  const before = stats && recordUpdate ? stats.weightsBefore(net.params) : null;
  optimizer.apply(grads, learningRate);
  if (stats && before) stats.recordUpdate(before, net.params);
  updateRunningStats(net, kept.batchStats);
  if (!kept.metrics) throw new Error('trainStep: the loss was not computed');
  sums.assign(tf.add(sums, kept.metrics));
  kept.metrics.dispose();
}

/** Mean over batches of batch loss and batch accuracy, batch norm in evaluation mode. */
async function evaluate(net: Network, set: ImageSet, batchSize: number): Promise<{ loss: number; accuracy: number }> {
  if (set.count === 0) return { loss: NaN, accuracy: 0 };
  const batch = new Batch(batchSize);
  const order = identity(set.count);
  const batches = Math.ceil(set.count / batchSize);
  const sums = zerosVariable([2]);
  for (let b = 0; b < batches; b++) {
    const start = b * batchSize;
    const { x, y } = batch.fill(set, order, start, Math.min(start + batchSize, set.count), null);
    tf.tidy(() => {
      const { logits } = forward(net, x, false);
      sums.assign(tf.add(sums, tf.stack([crossEntropy(logits, y), accuracy(logits, y)])));
    });
    x.dispose();
    y.dispose();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const [loss, acc] = await sums.data();
  sums.dispose();
  return { loss: loss / batches, accuracy: acc / batches };
}

/** Reusable host buffers for one batch. */
class Batch {
  private readonly pixels: Float32Array;
  private readonly labels: Int32Array;

  constructor(private readonly size: number) {
    this.pixels = new Float32Array(size * IMAGE_BYTES);
    this.labels = new Int32Array(size);
  }

  fill(
    set: ImageSet,
    order: ArrayLike<number>,
    start: number,
    end: number,
    random: SeededRandom | null,
  ): { x: tf.Tensor4D; y: tf.Tensor1D } {
    const n = end - start;
    fillBatch(set, order, start, end, random, this.pixels, this.labels);
    return {
      x: tf.tensor4d(this.pixels.subarray(0, n * IMAGE_BYTES), [n, 32, 32, 3]),
      y: tf.tensor1d(this.labels.subarray(0, n), 'int32'),
    };
  }
}

export function zerosVariable(shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros(shape), false));
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
