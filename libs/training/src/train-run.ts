import * as tf from '@tensorflow/tfjs-core';
import type { EpochCompletedEvent, ExperimentConfig } from '@gradlab/contracts';
import { deepSupervisionWeight, describeNetwork, SeededRandom } from '@gradlab/models';
import { accuracy, createNetwork, crossEntropy, disposeNetwork, forward, initialParameterValues, updateRunningStats, type Network } from '@gradlab/models/tf';
import { fillBatch } from './data/batches';
import { loadSplits } from './data/datasets';
import { IMAGE_BYTES, type ImageSet } from './data/image-set';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointTensor } from './checkpoint';
import { RunCancelledError } from './errors';
import { GradientStatsAccumulator } from './gradient-stats';
import { cosineLearningRate } from './optim/cosine-schedule';
import { TorchAdam } from './optim/torch-adam';

/** What an epoch reports: the epoch.completed event of the contracts, less its envelope. */
export type EpochResult = Omit<EpochCompletedEvent, 'v' | 'type' | 'runId' | 'at'>;

export interface TrainRunResult {
  bestEpoch: number;
  testLoss: number | null;
  testAccuracy: number;
}

export interface TrainRunHooks {
  /** Called after every epoch; the loop waits for it (the worker publishes the epoch). */
  onEpoch(result: EpochResult): Promise<void>;
  /** Called at most every `progressIntervalMs` with the position inside the epoch. */
  onProgress?(progress: { epoch: number; batch: number; batchesPerEpoch: number; epochElapsedMs: number }): void;
  /** Polled at most every `cancelPollMs`; true stops the run with RunCancelledError. */
  isCancelled?(): Promise<boolean>;
  /** Called after every epoch's onEpoch with the checkpoints to keep: 'best' when validation improved. */
  onCheckpoint?(kind: 'latest' | 'best', bytes: Buffer, epoch: number): Promise<void>;
  /** Continue from these checkpoints instead of starting afresh. */
  resume?: { latest: Uint8Array; best: Uint8Array | null };
  progressIntervalMs?: number;
  cancelPollMs?: number;
}

/**
 * Trains one experiment as the course framework does: seeded split and shuffling, augmentation, Adam with
 * coupled weight decay, cosine annealing per epoch; metrics are means over the epoch's batches; test metrics
 * come from the weights of the best validation epoch.
 */
export async function trainRun(runId: string, config: ExperimentConfig, dataDir: string, hooks: TrainRunHooks): Promise<TrainRunResult> {
  const { training } = config;
  const splits = await loadSplits(config.data, dataDir, training.seed);
  const spec = describeNetwork(config.model);
  const net = createNetwork(spec, initialParameterValues(spec, training.seed));
  const optimizer = new TorchAdam(net.params, { weightDecay: training.weightDecay });
  const stats = new GradientStatsAccumulator(spec);
  let random = new SeededRandom(training.seed + 1);
  let firstEpoch = 0;
  const batchesPerEpoch = Math.ceil(splits.train.count / training.batchSize);
  const progressInterval = hooks.progressIntervalMs ?? 1000;
  const cancelPoll = hooks.cancelPollMs ?? 1000;
  let best: { epoch: number; valAccuracy: number; snapshot: Map<string, tf.Tensor> } | null = null;
  let lastProgress = 0;
  let lastCancelCheck = 0;

  const checkCancelled = async (force = false) => {
    if (!hooks.isCancelled || (!force && Date.now() - lastCancelCheck < cancelPoll)) return;
    lastCancelCheck = Date.now();
    if (await hooks.isCancelled()) throw new RunCancelledError(runId);
  };

  try {
    if (hooks.resume) {
      const latest = decodeCheckpoint(hooks.resume.latest, `latest checkpoint of run ${runId}`);
      restoreTensors(net, optimizer, latest.tensors);
      optimizer.step = latest.meta.adamStep;
      random = new SeededRandom(latest.meta.random);
      firstEpoch = latest.meta.epoch + 1;
      if (latest.meta.best && hooks.resume.best) {
        const bestCheckpoint = decodeCheckpoint(hooks.resume.best, `best checkpoint of run ${runId}`);
        const snap = new Map(bestCheckpoint.tensors.map((t) => [t.name, tf.tensor(t.data, t.shape)]));
        best = { ...latest.meta.best, snapshot: snap };
      }
    }
    for (let epoch = firstEpoch; epoch < training.epochs; epoch++) {
      await checkCancelled(true);
      const started = Date.now();
      const learningRate = cosineLearningRate(epoch, training.learningRate, training.minLearningRate, training.epochs);
      const order = random.permutation(splits.train.count);
      const sums = zerosVariable([2]); // loss, accuracy summed over batches
      const batch = new Batch(training.batchSize);

      for (let b = 0; b < batchesPerEpoch; b++) {
        const start = b * training.batchSize;
        const end = Math.min(start + training.batchSize, splits.train.count);
        const { x, y } = batch.fill(splits.train, order, start, end, config.data.augment ? random : null);
        trainStep(net, optimizer, stats, sums, x, y, learningRate, {
          auxWeight: deepSupervisionWeight(epoch, training.epochs),
          recordUpdate: b === batchesPerEpoch - 1,
        });
        x.dispose();
        y.dispose();
        if (hooks.onProgress && Date.now() - lastProgress >= progressInterval) {
          lastProgress = Date.now();
          hooks.onProgress({ epoch, batch: b + 1, batchesPerEpoch, epochElapsedMs: lastProgress - started });
        }
        // Let the event loop breathe: the queue's lock renewal and heartbeats run between steps.
        await new Promise((resolve) => setImmediate(resolve));
        await checkCancelled();
      }

      const [lossSum, accSum] = await sums.data();
      sums.dispose();
      const layers = await stats.takeEpoch(net.params);
      const val = await evaluate(net, splits.val, training.batchSize);
      const improved = !best || val.accuracy > best.valAccuracy;
      if (improved) {
        if (best) for (const t of best.snapshot.values()) t.dispose();
        best = { epoch, valAccuracy: val.accuracy, snapshot: snapshot(net) };
      }
      await hooks.onEpoch({
        epoch,
        totalEpochs: training.epochs,
        trainLoss: finiteOrNull(lossSum / batchesPerEpoch),
        trainAccuracy: accSum / batchesPerEpoch,
        valLoss: finiteOrNull(val.loss),
        valAccuracy: val.accuracy,
        learningRate,
        durationMs: Date.now() - started,
        layers,
      });
      // After the epoch is reported: a worker that dies in between redoes the epoch, which the api stores once.
      if (hooks.onCheckpoint && best) {
        const meta = { runId, epoch, random: random.state(), adamStep: optimizer.step, best: { epoch: best.epoch, valAccuracy: best.valAccuracy } };
        if (improved) await hooks.onCheckpoint('best', encodeCheckpoint({ meta: { ...meta, kind: 'best' }, tensors: await readTensors(best.snapshot) }), epoch);
        await hooks.onCheckpoint('latest', encodeCheckpoint({ meta: { ...meta, kind: 'latest' }, tensors: await stateTensors(net, optimizer) }), epoch);
      }
    }

    if (!best) throw new Error('no epoch was trained');
    restore(net, best.snapshot);
    const test = await evaluate(net, splits.test, training.batchSize);
    return { bestEpoch: best.epoch, testLoss: finiteOrNull(test.loss), testAccuracy: test.accuracy };
  } finally {
    if (best) for (const t of best.snapshot.values()) t.dispose();
    stats.dispose();
    optimizer.dispose();
    disposeNetwork(net);
  }
}

export interface StepOptions {
  /** Deep supervision: the weight of the auxiliary classifiers' losses (0 without). */
  auxWeight?: number;
  /** Record the update-to-weight ratio of this step (the epoch's last) in the statistics. */
  recordUpdate?: boolean;
}

/**
 * One optimisation step, all on the device: forward, backward, gradient statistics (unless `stats` is null,
 * for the benchmark), Adam, BN running statistics, loss and accuracy sums. Everything it allocates is freed.
 * With deep supervision the optimised loss adds `auxWeight` x the auxiliary classifiers' losses; the loss
 * summed for the epoch's metric is the main classifier's alone, comparable with every other run.
 */
export function trainStep(
  net: Network,
  optimizer: TorchAdam,
  stats: GradientStatsAccumulator | null,
  sums: tf.Variable,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  learningRate: number,
  options: StepOptions = {},
): void {
  tf.tidy(() => trainStepInScope(net, optimizer, stats, sums, x, y, learningRate, options));
}

function trainStepInScope(
  net: Network,
  optimizer: TorchAdam,
  stats: GradientStatsAccumulator | null,
  sums: tf.Variable,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  learningRate: number,
  options: StepOptions,
): void {
  const auxWeight = options.auxWeight ?? 0;
  let batchStats: ReturnType<typeof forward>['batchStats'] = [];
  let metrics: tf.Tensor1D | null = null; // main loss, accuracy
  const params = [...net.params.values()];
  const { grads: byId } = tf.variableGrads(() => {
    const out = forward(net, x, true);
    batchStats = out.batchStats;
    const mainLoss = crossEntropy(out.logits, y);
    metrics = tf.keep(tf.stack([mainLoss, accuracy(out.logits, y)]) as tf.Tensor1D);
    if (out.auxLogits.length === 0) return mainLoss;
    return tf.add(mainLoss, tf.mul(tf.addN(out.auxLogits.map((logits) => crossEntropy(logits, y))), auxWeight)) as tf.Scalar;
  }, params);
  // variableGrads keys gradients by the variables' internal names; map them back to PyTorch names.
  const grads: Record<string, tf.Tensor> = {};
  for (const [name, v] of net.params) grads[name] = byId[v.name];
  stats?.add(grads);
  const before = stats && options.recordUpdate ? stats.weightsBefore(net.params) : null;
  optimizer.apply(grads, learningRate);
  if (stats && before) stats.recordUpdate(before, net.params);
  updateRunningStats(net, batchStats);
  sums.assign(tf.add(sums, metrics as unknown as tf.Tensor1D));
  (metrics as tf.Tensor1D | null)?.dispose();
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

  fill(set: ImageSet, order: ArrayLike<number>, start: number, end: number, random: SeededRandom | null): { x: tf.Tensor4D; y: tf.Tensor1D } {
    const n = end - start;
    fillBatch(set, order, start, end, random, this.pixels, this.labels);
    return {
      x: tf.tensor4d(this.pixels.subarray(0, n * IMAGE_BYTES), [n, 32, 32, 3]),
      y: tf.tensor1d(this.labels.subarray(0, n), 'int32'),
    };
  }
}

function snapshot(net: Network): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, v] of [...net.params, ...net.buffers]) out.set(name, tf.clone(v));
  return out;
}

function restore(net: Network, snap: Map<string, tf.Tensor>): void {
  for (const [name, v] of [...net.params, ...net.buffers]) v.assign(snap.get(name) as tf.Tensor);
}

export function zerosVariable(shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros(shape), false));
}

/** Weights, BN buffers and Adam moments by their names in a latest checkpoint. */
function stateVariables(net: Network, optimizer: TorchAdam): Map<string, tf.Variable> {
  const named = new Map<string, tf.Variable>();
  for (const [name, v] of net.params) named.set(`param:${name}`, v);
  for (const [name, v] of net.buffers) named.set(`buffer:${name}`, v);
  for (const [name, v] of optimizer.m) named.set(`adam.m:${name}`, v);
  for (const [name, v] of optimizer.v) named.set(`adam.v:${name}`, v);
  return named;
}

async function stateTensors(net: Network, optimizer: TorchAdam): Promise<CheckpointTensor[]> {
  return readTensors(stateVariables(net, optimizer));
}

async function readTensors(named: Map<string, tf.Tensor>): Promise<CheckpointTensor[]> {
  return Promise.all([...named].map(async ([name, t]) => ({ name, shape: t.shape, data: (await t.data()) as Float32Array })));
}

function restoreTensors(net: Network, optimizer: TorchAdam, tensors: Checkpoint['tensors']): void {
  const targets = stateVariables(net, optimizer);
  for (const t of tensors) {
    const target = targets.get(t.name);
    if (!target) throw new Error(`checkpoint tensor ${t.name} does not belong to this network`);
    tf.tidy(() => target.assign(tf.tensor(t.data, target.shape)));
    targets.delete(t.name);
  }
  if (targets.size) throw new Error(`checkpoint lacks ${[...targets.keys()].slice(0, 3).join(', ')}`);
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
