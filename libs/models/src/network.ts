import * as tf from '@tensorflow/tfjs-core';
import {
  BLOCK_INPUT,
  GRADLAB_KERNELS,
  type GradlabKernel,
  type GradlabKernelAttrs,
  type GradlabKernelInputs,
} from '@gradlab/contracts';
import {
  BATCH_NORM_EPSILON,
  BATCH_NORM_MOMENTUM,
  LEAKY_RELU_SLOPE,
  type BatchNormSpec,
  type BlockStep,
  type ConvSpec,
  type NetworkSpec,
} from './network-spec';
import { SeededRandom } from './seeded-random';

/** A network's trainable parameters and batch-norm buffers, keyed by PyTorch name. */
export interface Network {
  spec: NetworkSpec;
  params: Map<string, tf.Variable>;
  buffers: Map<string, tf.Variable>;
}

/** Batch statistics a training forward pass measured, to update the running statistics with afterwards. */
export interface BatchNormBatchStats {
  path: string;
  /** [2, channels]: the batch mean, then the biased variance. */
  moments: tf.Tensor2D;
  count: number;
}

/**
 * Batch norm in a few of gradlab's own kernels (GRADLAB_KERNELS.batchNorm*), where the active backend registers
 * them (webgpu in libs/training, wasm+onednn in libs/native-kernels): about 13 dispatches a layer per step
 * instead of 40. Each computes what the operations of the general path compute.
 */
function hasFusedBatchNorm(): boolean {
  return tf.getKernel(GRADLAB_KERNELS.batchNormMoments, tf.getBackend()) !== undefined;
}

/** One of gradlab's own kernels, its inputs and attributes typed by libs/contracts' kernels.ts. */
export function runGradlabKernel<K extends GradlabKernel>(
  kernel: K,
  inputs: GradlabKernelInputs<tf.Tensor>[K],
  attrs: GradlabKernelAttrs[K],
): tf.Tensor | tf.Tensor[] {
  return tf
    .engine()
    .runKernel(GRADLAB_KERNELS[kernel], inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as
    tf.Tensor | tf.Tensor[];
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** Deep supervision's auxiliary logits, one per stage but the last (empty for other block types). */
  auxLogits: tf.Tensor2D[];
  batchStats: BatchNormBatchStats[];
}

/**
 * PyTorch's default initialisation: weights and biases ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)) (kaiming_uniform
 * with a = sqrt(5)), BN gamma 1 and beta 0, running mean 0 and variance 1. Values are drawn on the host from
 * the seeded generator in parameter order, so every backend starts from the same weights.
 */
export function initialParameterValues(spec: NetworkSpec, seed: number): Map<string, Float32Array> {
  const random = new SeededRandom(seed);
  return drawInitialValues(spec, () => random.next());
}

/** PyTorch's default rule with uniforms in [0, 1) from `uniform`, parameter by parameter in the spec's order. */
export function drawInitialValues(spec: NetworkSpec, uniform: () => number): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const p of spec.params) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (p.kind === 'bn_weight') data.fill(1);
    else if (p.kind !== 'bn_bias') {
      const bound = 1 / Math.sqrt(p.fanIn as number);
      for (let i = 0; i < size; i++) data[i] = (2 * uniform() - 1) * bound;
    }
    values.set(p.name, data);
  }
  return values;
}

/** Creates the network's variables from values in TensorFlow.js layout (or PyTorch's default init). */
export function createNetwork(spec: NetworkSpec, values: Map<string, Float32Array>): Network {
  const params = new Map<string, tf.Variable>();
  for (const p of spec.params) {
    const data = values.get(p.name);
    if (!data) throw new Error(`no value for parameter ${p.name}`);
    // A variable shares its initial tensor's data; tidy disposes the initial tensor itself.
    params.set(
      p.name,
      tf.tidy(() => tf.variable(tf.tensor(data, p.shape, 'float32'), true)),
    );
  }
  const buffers = new Map<string, tf.Variable>();
  for (const b of spec.buffers) {
    buffers.set(
      b.name,
      tf.tidy(() => tf.variable(b.init === 'ones' ? tf.ones(b.shape) : tf.zeros(b.shape), false)),
    );
  }
  return { spec, params, buffers };
}

export function disposeNetwork(net: Network): void {
  for (const v of net.params.values()) v.dispose();
  for (const v of net.buffers.values()) v.dispose();
}

/**
 * The forward pass on an NHWC batch. In training mode batch norm normalises with the batch's statistics
 * (biased variance) and returns them; in evaluation mode it uses the running statistics.
 */
export function forward(net: Network, x: tf.Tensor4D, training: boolean): ForwardResult {
  const batchStats: BatchNormBatchStats[] = [];
  const param = (name: string) => {
    const v = net.params.get(name);
    if (!v) throw new Error(`network has no parameter ${name}`);
    return v;
  };
  const conv = (input: tf.Tensor4D, c: ConvSpec): tf.Tensor4D => {
    // Stride 1 keeps the size ('same', as the built-in blocks always ran); stride 2 pads (kernel - 1) / 2 on
    // every side as PyTorch does, where 'same' would pad only below and to the right.
    const pad = c.stride === 1 ? 'same' : (c.kernel - 1) / 2;
    const out = tf.conv2d(input, param(`${c.path}.weight`) as tf.Tensor4D, c.stride, pad);
    return c.bias ? addChannelBias(out, param(`${c.path}.bias`) as tf.Tensor1D) : out;
  };
  const act = (input: tf.Tensor4D, slope = LEAKY_RELU_SLOPE) => tf.leakyRelu(input, slope);
  const batchNorm = (input: tf.Tensor4D, b: BatchNormSpec): tf.Tensor4D => {
    const gamma = param(`${b.path}.weight`);
    const beta = param(`${b.path}.bias`);
    if (training) {
      const [n, h, w] = input.shape;
      const train = hasFusedBatchNorm() ? fusedBatchNormTraining : batchNormTraining;
      return train(input, gamma as tf.Tensor1D, beta as tf.Tensor1D, (moments) => {
        batchStats.push({ path: b.path, moments: tf.keep(moments), count: n * h * w });
      });
    }
    const mean = net.buffers.get(`${b.path}.running_mean`) as tf.Variable;
    const variance = net.buffers.get(`${b.path}.running_var`) as tf.Variable;
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON)));
    return tf.add(tf.mul(tf.sub(input, mean), scale), beta);
  };

  /** One node of a block graph; add sums left to right, as PyTorch's `a + b + c`. */
  const runStep = (step: BlockStep, inputs: tf.Tensor4D[]): tf.Tensor4D => {
    const [input] = inputs;
    switch (step.op) {
      case 'conv':
        return conv(input, step.conv);
      case 'batch_norm':
        return batchNorm(input, step.bn);
      case 'leaky_relu':
        return act(input, step.slope);
      case 'relu':
        return tf.relu(input);
      case 'tanh':
        return tf.tanh(input);
      case 'avg_pool':
        return tf.avgPool(input, 2, 2, 'valid');
      case 'max_pool':
        return tf.maxPool(input, 2, 2, 'valid');
      case 'add':
        return inputs.slice(1).reduce((sum, term) => tf.add(sum, term), input);
      case 'dropout':
        return training && step.p > 0 ? (tf.dropout(input, step.p) as tf.Tensor4D) : input;
    }
  };
  const linear = (input: tf.Tensor2D, path: string) =>
    tf.add(tf.matMul(input, param(`${path}.weight`) as tf.Tensor2D), param(`${path}.bias`)) as tf.Tensor2D;
  const auxLogits: tf.Tensor2D[] = [];
  let out = x;
  let stageFeatures: tf.Tensor4D[] = []; // dense stages: every layer's output so far
  for (const block of net.spec.blocks) {
    switch (block.type) {
      case 'dense': {
        if (stageFeatures.length === 0) stageFeatures = [out];
        const input = stageFeatures.length === 1 ? stageFeatures[0] : (tf.concat(stageFeatures, 3) as tf.Tensor4D);
        stageFeatures.push(batchNorm(act(conv(input, block.conv0)), block.bn0));
        out = tf.concat(stageFeatures, 3) as tf.Tensor4D;
        break;
      }
      case 'stage-end':
        stageFeatures = [];
        if (block.aux) auxLogits.push(linear(tf.mean(out, [1, 2]) as tf.Tensor2D, block.aux.path));
        break;
      case 'entry':
        out = act(batchNorm(conv(out, block.conv), block.bn));
        break;
      case 'graph': {
        const values = new Map<string, tf.Tensor4D>([[BLOCK_INPUT, out]]);
        for (const step of block.steps) {
          const inputs = step.inputs.map((id) => values.get(id) as tf.Tensor4D);
          values.set(step.id, runStep(step, inputs));
        }
        out = values.get(block.output) as tf.Tensor4D;
        break;
      }
    }
  }
  const logits = linear(tf.mean(out, [1, 2]) as tf.Tensor2D, net.spec.head.path);
  return { logits, auxLogits, batchStats };
}

/**
 * Batch norm in training mode (batch statistics, biased variance) with PyTorch's analytic backward pass:
 *   dx = gamma / sqrt(var + eps) / n * (n dy - sum(dy) - xhat sum(dy xhat)),  dgamma = sum(dy xhat),  dbeta = sum(dy)
 * written with broadcasting. tf.batchNorm's own gradient tiles 1/sqrt(var) to the activations' full shape
 * (slow on wasm), and differentiating the formula through tf.moments loses precision to cancellation.
 * `onStats` receives the batch mean and variance for the running statistics.
 */
function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  onStats: (moments: tf.Tensor2D) => void,
): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, bt] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = channelSum(input, 1 / channelCount(input));
    const variance = channelSum(tf.square(tf.sub(input, mean)), 1 / channelCount(input));
    onStats(tf.stack([mean, variance]) as tf.Tensor2D);
    const invStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
    const xhat = tf.mul(tf.sub(input, mean), invStd);
    save([xhat, invStd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), bt),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXhat, savedInvStd, savedGamma] = saved;
        const count = channelCount(dy);
        const dBeta = channelSum(dy);
        const dGamma = channelSum(tf.mul(dy, savedXhat));
        const centred = tf.sub(tf.sub(tf.mul(dy, count), dBeta), tf.mul(savedXhat, dGamma));
        const dx = tf.mul(centred, tf.div(tf.mul(savedGamma, savedInvStd), count));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** batchNormTraining in the backend's batch-norm kernels: x is kept, and xhat recomputed from it. */
function fusedBatchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  onStats: (moments: tf.Tensor2D) => void,
): tf.Tensor4D {
  const epsilon = BATCH_NORM_EPSILON;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, bt] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const moments = runGradlabKernel('batchNormMoments', { x: input }, {}) as tf.Tensor2D;
    onStats(moments);
    save([input, moments, g]);
    return {
      value: runGradlabKernel(
        'batchNormNormalize',
        { x: input, moments, gamma: g, beta: bt },
        { epsilon },
      ) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedMoments, savedGamma] = saved;
        const sums = { dy, x: savedX, moments: savedMoments };
        const dBeta = runGradlabKernel('batchNormGradSum', sums, { epsilon, which: 'beta' }) as tf.Tensor;
        const dGamma = runGradlabKernel('batchNormGradSum', sums, { epsilon, which: 'gamma' }) as tf.Tensor;
        const dx = runGradlabKernel(
          'batchNormInputGrad',
          { ...sums, gamma: savedGamma, dBeta, dGamma },
          { epsilon },
        ) as tf.Tensor;
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** x + bias per channel, whose bias gradient is the accurate two-stage channel sum of dy. */
function addChannelBias(x: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, b] = args as tf.Tensor[];
    return { value: tf.add(input, b), gradFunc: (dy: tf.Tensor) => [dy, channelSum(dy)] };
  });
  return op(x, bias) as tf.Tensor4D;
}

function channelCount(t: tf.Tensor): number {
  return t.size / t.shape[t.rank - 1];
}

/**
 * Per-channel sum of an NHWC tensor (times `scale`), in two stages, over W then over N x H: a float32 sum
 * of all N x H x W values in one pass, as wasm's Sum does, loses up to N*H*W roundings, which PyTorch's
 * blocked sums do not (it broke parity on the batch-norm fixtures).
 */
function channelSum(t: tf.Tensor, scale = 1): tf.Tensor1D {
  const [n, h, w, c] = t.shape;
  const partial = tf.sum(tf.reshape(t, [n * h, w, c]), 1);
  const total = tf.sum(partial, 0);
  return (scale === 1 ? total : tf.mul(total, scale)) as tf.Tensor1D;
}

/**
 * PyTorch's running-statistics update: running = (1 - m) * running + m * batch, with the batch variance made
 * unbiased (n / (n - 1)) for the running estimate. Disposes the batch statistics.
 */
export function updateRunningStats(net: Network, batchStats: BatchNormBatchStats[]): void {
  const fused = hasFusedBatchNorm();
  tf.tidy(() => {
    for (const s of batchStats) {
      const runningMean = net.buffers.get(`${s.path}.running_mean`) as tf.Variable;
      const runningVar = net.buffers.get(`${s.path}.running_var`) as tf.Variable;
      const unbias = s.count / Math.max(s.count - 1, 1);
      if (fused) {
        const update = (running: tf.Variable, row: 0 | 1, scale: number) =>
          running.assign(
            runGradlabKernel(
              'batchNormRunningUpdate',
              { running, moments: s.moments },
              { row, momentum: BATCH_NORM_MOMENTUM, scale },
            ) as tf.Tensor,
          );
        update(runningMean, 0, 1);
        update(runningVar, 1, unbias);
        continue;
      }
      const [mean, variance] = tf.unstack(s.moments);
      const unbiased = tf.mul(variance, unbias);
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - BATCH_NORM_MOMENTUM), tf.mul(mean, BATCH_NORM_MOMENTUM)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - BATCH_NORM_MOMENTUM), tf.mul(unbiased, BATCH_NORM_MOMENTUM)));
    }
  });
  for (const s of batchStats) s.moments.dispose();
}

/** Mean cross-entropy of integer labels, as torch.nn.functional.cross_entropy. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const oneHot = tf.oneHot(labels, logits.shape[1]);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** Fraction of the batch whose arg-max logit is the label. */
export function accuracy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar;
}
