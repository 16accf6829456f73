import * as tf from '@tensorflow/tfjs-core';
import { type NetworkSpec, type ParamKind } from '@gradlab/models';
import {
  createNetwork,
  crossEntropy,
  disposeNetwork,
  forward,
  updateRunningStats,
  type Network,
} from '@gradlab/models/tf';
import { TorchAdam } from '../optim/torch-adam';
import type { ParityFixture } from './parity-fixture';

/** The fixtures README's tolerances. */
export const LOGITS_MAX_ABS = 1e-3;
export const LOSS_ABS = 1e-4;
export const PARAM_L2_AFTER_REL = 1e-4;
/** How many times PyTorch's own float32 spread over summation orders a parameter's L2 after the step may be off. */
export const PARAM_L2_AFTER_SPREADS = 3;
const GRAD_BASE: Record<ParamKind, number> = {
  conv_weight: 1e-3,
  conv_bias: 1e-3,
  linear_weight: 1e-3,
  linear_bias: 1e-3,
  bn_weight: 2e-2,
  bn_bias: 2e-2,
};

export interface ParityComparison {
  quantity:
    | 'logits'
    | 'loss'
    | 'gradMeanAbs'
    | 'gradL2'
    | 'paramL2After'
    | 'runningL2After'
    | 'lossPerStep'
    | 'evalLoss'
    | 'evalLogitsL2';
  name: string;
  kind: string;
  expected: number;
  actual: number;
  /** Absolute error for logits and loss, relative error otherwise. */
  error: number;
  bound: number;
}

export interface ParityReport {
  fixture: string;
  backend: string;
  comparisons: ParityComparison[];
  failures: ParityComparison[];
  /** Worst error relative to its bound, per quantity and kind. */
  worst: ParityComparison[];
  pass: boolean;
  /** Trajectory fixtures: the first step whose loss left its bound, where two implementations part. */
  firstDivergentStep?: { step: number; epoch: number } | null;
}

/**
 * Loads the fixture's weights, runs forward (train mode), backward and one torch-exact Adam step on the
 * active backend, and compares every number the fixture records with the README's tolerances.
 */
export async function checkParity(fixture: ParityFixture, backend: string): Promise<ParityReport> {
  const { manifest, spec } = fixture;
  const net = createNetwork(spec, fixture.values);
  const comparisons: ParityComparison[] = [];
  try {
    const x = tf.tensor4d(fixture.input, fixture.inputShape);
    const y = tf.tensor1d(fixture.labels, 'int32');
    const params = [...net.params.values()];
    let logits: tf.Tensor | null = null;
    let batchStats: ReturnType<typeof forward>['batchStats'] = [];
    const { value, grads: byId } = tf.variableGrads(() => {
      const out = forward(net, x, true);
      batchStats = out.batchStats;
      logits = tf.keep(out.logits);
      return crossEntropy(out.logits, y);
    }, params);
    // Read after the pass, never inside it: the webgpu backend has no synchronous reads.
    const logitsData = (await (logits as unknown as tf.Tensor).data()) as Float32Array;

    let worstLogit = { i: 0, error: 0 };
    fixture.logits.forEach((expected, i) => {
      const error = Math.abs(logitsData[i] - expected);
      if (error > worstLogit.error || Number.isNaN(error)) worstLogit = { i, error };
    });
    comparisons.push({
      quantity: 'logits',
      name: `logits[${worstLogit.i}] (worst)`,
      kind: 'logits',
      expected: fixture.logits[worstLogit.i],
      actual: logitsData[worstLogit.i],
      error: worstLogit.error,
      bound: LOGITS_MAX_ABS,
    });
    const loss = (await value.data())[0];
    comparisons.push({
      quantity: 'loss',
      name: 'loss',
      kind: 'loss',
      expected: manifest.loss,
      actual: loss,
      error: Math.abs(loss - manifest.loss),
      bound: LOSS_ABS,
    });

    const grads: Record<string, tf.Tensor> = {};
    for (const [name, v] of net.params) grads[name] = byId[v.name];
    for (const p of spec.params) {
      const g = grads[p.name];
      const meanAbs = (await tf.tidy(() => tf.mean(tf.abs(g))).data())[0];
      const l2 = (await tf.tidy(() => tf.norm(g)).data())[0];
      const bound = Math.max(
        GRAD_BASE[p.kind],
        10 * (manifest.float32VsFloat64.maxRelErrGradMeanAbsByKind[p.kind] ?? 0),
      );
      comparisons.push(
        relativeComparison({
          quantity: 'gradMeanAbs',
          name: p.name,
          kind: p.kind,
          expected: manifest.gradMeanAbs[p.name],
          actual: meanAbs,
          bound,
        }),
      );
      comparisons.push(
        relativeComparison({
          quantity: 'gradL2',
          name: p.name,
          kind: p.kind,
          expected: manifest.gradL2[p.name],
          actual: l2,
          bound,
        }),
      );
    }

    const { lr, weightDecay, betas, eps } = manifest.adamStep;
    const adam = new TorchAdam(net.params, { beta1: betas[0], beta2: betas[1], epsilon: eps, weightDecay });
    adam.apply(grads, lr);
    updateRunningStats(net, batchStats);
    // The README's rule: where PyTorch's own float32 spreads over summation orders, so may we.
    const paramSpread = (name: string) => manifest.float32VsFloat64.relErrByParam?.[name]?.paramL2After ?? 0;
    comparisons.push(
      ...(await l2AfterComparisons(
        net,
        spec,
        { params: manifest.adamStep.paramL2After, running: manifest.batchNormRunningL2After ?? {} },
        {
          param: (name) => Math.max(PARAM_L2_AFTER_REL, PARAM_L2_AFTER_SPREADS * paramSpread(name)),
          running: () => PARAM_L2_AFTER_REL,
        },
      )),
    );
    adam.dispose();
    tf.dispose([x, y, value, logits as unknown as tf.Tensor, ...Object.values(byId)]);
  } finally {
    disposeNetwork(net);
  }

  return summarise(fixture.name, backend, comparisons);
}

/** Relative error, safe for an expected value of 0. */
export const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);

/** A quantity compared by its relative error. */
export function relativeComparison(c: Omit<ParityComparison, 'error'>): ParityComparison {
  return { ...c, error: relativeError(c.actual, c.expected) };
}

/**
 * Every parameter's and batch-norm buffer's L2 norm after the steps against PyTorch's, each with the bound
 * the caller gives it (the one-step and the trajectory checks allow different spreads).
 */
export async function l2AfterComparisons(
  net: Network,
  spec: NetworkSpec,
  expected: { params: Record<string, number>; running: Record<string, number> },
  bound: { param(name: string): number; running(name: string): number },
): Promise<ParityComparison[]> {
  const norm = async (t: tf.Tensor) => (await tf.tidy(() => tf.norm(t)).data())[0];
  const comparisons: ParityComparison[] = [];
  for (const p of spec.params) {
    const actual = await norm(net.params.get(p.name) as tf.Variable);
    comparisons.push(
      relativeComparison({
        quantity: 'paramL2After',
        name: p.name,
        kind: p.kind,
        expected: expected.params[p.name],
        actual,
        bound: bound.param(p.name),
      }),
    );
  }
  for (const [name, value] of Object.entries(expected.running)) {
    const buffer = net.buffers.get(name);
    if (!buffer) throw new Error(`network has no buffer ${name}`);
    const kind = name.endsWith('running_mean') ? 'running_mean' : 'running_var';
    comparisons.push(
      relativeComparison({
        quantity: 'runningL2After',
        name,
        kind,
        expected: value,
        actual: await norm(buffer),
        bound: bound.running(name),
      }),
    );
  }
  return comparisons;
}

/** Failures, and the worst error relative to its bound per quantity and kind. */
export function summarise(fixture: string, backend: string, comparisons: ParityComparison[]): ParityReport {
  const failures = comparisons.filter((c) => !(c.error <= c.bound));
  const worstByKey = new Map<string, ParityComparison>();
  for (const c of comparisons) {
    const key = `${c.quantity} ${c.kind}`;
    const current = worstByKey.get(key);
    if (!current || c.error / c.bound > current.error / current.bound || Number.isNaN(c.error)) worstByKey.set(key, c);
  }
  return { fixture, backend, comparisons, failures, worst: [...worstByKey.values()], pass: failures.length === 0 };
}

export function formatParityReport(report: ParityReport): string {
  const fmt = (c: ParityComparison) =>
    `  ${c.quantity.padEnd(14)} ${c.kind.padEnd(13)} ${c.name.padEnd(58)} expected ${c.expected.toPrecision(8).padStart(15)} got ${c.actual.toPrecision(8).padStart(15)} error ${c.error.toExponential(2)} (bound ${c.bound.toExponential(1)})`;
  const lines = [`fixture ${report.fixture} on ${report.backend}: ${report.comparisons.length} comparisons`];
  if (report.failures.length) lines.push(`over their bound (${report.failures.length}):`, ...report.failures.map(fmt));
  lines.push('worst error per kind:', ...report.worst.map(fmt));
  if (report.firstDivergentStep !== undefined) {
    const first = report.firstDivergentStep;
    lines.push(
      first
        ? `first step whose loss leaves its bound: step ${first.step} (epoch ${first.epoch})`
        : 'the loss stays within its bound at every step',
    );
  }
  lines.push(`parity ${report.fixture} ${report.backend} ${report.pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
