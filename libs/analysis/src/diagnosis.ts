import type { EpochDto, FindingCode, FindingDto, LayerGradientDto, Severity } from '@gradlab/contracts';
import { FIXES } from './fixes';
import { median } from './statistics';

/**
 * What a run's stored epochs and gradient statistics say is wrong with it. Pure functions over what the api
 * stores, so the api (live, as epochs arrive), the dashboard and the CLI give the same findings.
 *
 * Every threshold is a named constant with the reason for its value. The values were checked against real
 * runs: VGG_38 plain (8 filters, synthetic data) has first-layer mean |g| about 1e-18 against 3e-4 at the
 * last layers; the same network with BN+RC has 2e-2 against 1e-2; VGG_08 about 7e-5 against 9e-4; and the
 * course's reference runs (VGG_38 at loss 4.606 for 100 epochs, VGG_08 at 4.39 by its second epoch).
 */

/** A healthy network leaves chance within its first epochs (the course's VGG_08: 2.5%, 6%, 9.5% val accuracy in epochs 0-2): three in a row at chance is not a slow start. */
export const STUCK_AFTER_EPOCHS = 3;
/** Loss within 0.05 nats of ln(C) (or above it): predictions no better than uniform. The course's VGG_38 sits at 4.606-4.62 for 100 epochs, VGG_08 is 0.2 nats below ln 100 by its second epoch. */
export const STUCK_LOSS_MARGIN = 0.05;
/** Validation accuracy under twice chance (2% of CIFAR-100): chance itself wobbles by about 1% on 2,500 images. */
export const STUCK_ACCURACY_FACTOR = 2;

/** First layers' mean |g| three orders of magnitude below the last layers'. Plain VGG_38 measures 1e-14; VGG_08 about 0.1; BN+RC about 1, so 1e-3 leaves a wide margin either side. */
export const VANISHING_RATIO = 1e-3;
/** The first and the last tenth of the weight layers (at least one each) are compared: the ends of the network, not one noisy layer. */
export const VANISHING_LAYER_FRACTION = 0.1;
/** "Persistently": in each of the last two epochs with statistics, so one odd epoch is not a finding. */
export const PERSIST_EPOCHS = 2;

/** The median layer's mean |g| grown 100-fold since the first epoch: under Adam and cosine annealing gradients shrink or stay within a decade in every healthy run we stored. */
export const EXPLODING_GROWTH = 100;

/**
 * A layer is dead when its update-to-weight ratio is exactly 0 or two orders of magnitude below the median
 * layer's in the same epoch. Relative, not an absolute floor under 1e-3: cosine annealing lowers every
 * layer's ratio 50-fold by the last epochs (lr 1e-3 to 2e-5), and an absolute floor would call a healthy
 * run's every layer dead. Plain VGG_38's first layers measure exactly 0; BN+RC's lowest layer is a third of its median.
 */
export const DEAD_UPDATE_RELATIVE = 1e-2;

/** Validation loss 10% above its minimum, at least three epochs after it, while train loss fell: not noise (val loss wobbles by a few percent between epochs). */
export const OVERFIT_RISE = 0.1;
export const OVERFIT_MIN_EPOCHS = 3;

/** Train loss 50% above the previous epoch's: Adam's steps are bounded, so only a bad step or a too-high learning rate does that. */
export const LOSS_SPIKE_FACTOR = 1.5;

export type LayerStats = Pick<LayerGradientDto, 'shortName' | 'kind' | 'meanAbs' | 'updateRatio' | 'nonFiniteCount'>;

export interface DiagnosisInput {
  /** Classes of the dataset: chance is 1/C accuracy and ln C loss. */
  numClasses: number;
  epochs: readonly EpochDto[];
  /** Per epoch, its layers in network order; empty for imported runs (the framework stores no gradients). */
  gradientFlow: readonly { epoch: number; layers: readonly LayerStats[] }[];
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const sci = (value: number) => value.toExponential(1);

function finding(code: FindingCode, severity: Severity, summary: string, evidence: FindingDto['evidence']): FindingDto {
  return { code, severity, summary, evidence, fixes: FIXES[code] };
}

function geometricMean(values: readonly number[]): number {
  if (values.some((v) => v === 0)) return 0;
  return 10 ** (values.reduce((sum, v) => sum + Math.log10(v), 0) / values.length);
}

function diverged(epochs: readonly EpochDto[]): FindingDto | null {
  const bad = epochs.filter(
    (e) => e.trainLoss === null || e.valLoss === null || !Number.isFinite(e.trainLoss) || !Number.isFinite(e.valLoss),
  );
  if (bad.length === 0) return null;
  return finding(
    'diverged',
    'critical',
    `The loss became NaN or infinite from epoch ${bad[0].epoch}: training diverged.`,
    {
      chart: 'learning-curves',
      epochs: bad.map((e) => e.epoch),
      layers: [],
      values: { firstEpoch: bad[0].epoch },
    },
  );
}

function stuckAtChance(epochs: readonly EpochDto[], numClasses: number): FindingDto | null {
  if (epochs.length < STUCK_AFTER_EPOCHS) return null;
  const chanceLoss = Math.log(numClasses);
  const chanceAccuracy = 1 / numClasses;
  const recent = epochs.slice(-STUCK_AFTER_EPOCHS);
  const atChance = recent.every(
    (e) =>
      e.trainLoss !== null &&
      e.trainLoss >= chanceLoss - STUCK_LOSS_MARGIN &&
      e.valAccuracy < STUCK_ACCURACY_FACTOR * chanceAccuracy,
  );
  if (!atChance) return null;
  const last = recent[recent.length - 1];
  return finding(
    'stuck_at_chance',
    'critical',
    `After ${epochs.length} epochs the train loss is ${(last.trainLoss as number).toFixed(3)} (ln ${numClasses} = ${chanceLoss.toFixed(3)}) and validation accuracy ${(100 * last.valAccuracy).toFixed(1)}% (chance ${(100 * chanceAccuracy).toFixed(0)}%): the network predicts no better than guessing.`,
    {
      chart: 'learning-curves',
      epochs: recent.map((e) => e.epoch),
      layers: [],
      values: { trainLoss: last.trainLoss as number, chanceLoss, valAccuracy: last.valAccuracy, chanceAccuracy },
    },
  );
}

function overfitting(epochs: readonly EpochDto[]): FindingDto | null {
  const withLoss = epochs.filter(
    (e): e is EpochDto & { valLoss: number; trainLoss: number } => e.valLoss !== null && e.trainLoss !== null,
  );
  if (withLoss.length <= OVERFIT_MIN_EPOCHS) return null;
  const best = withLoss.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
  const last = withLoss[withLoss.length - 1];
  if (
    last.epoch - best.epoch < OVERFIT_MIN_EPOCHS ||
    last.valLoss < best.valLoss * (1 + OVERFIT_RISE) ||
    last.trainLoss >= best.trainLoss
  )
    return null;
  return finding(
    'overfitting',
    'warning',
    `Validation loss rose from ${best.valLoss.toFixed(3)} (epoch ${best.epoch}) to ${last.valLoss.toFixed(3)} (epoch ${last.epoch}) while train loss fell from ${best.trainLoss.toFixed(3)} to ${last.trainLoss.toFixed(3)}. Test metrics use the best-validation weights (epoch ${best.epoch}).`,
    {
      chart: 'learning-curves',
      epochs: [best.epoch, last.epoch],
      layers: [],
      values: {
        bestValLoss: best.valLoss,
        lastValLoss: last.valLoss,
        bestTrainLoss: best.trainLoss,
        lastTrainLoss: last.trainLoss,
      },
    },
  );
}

function lossSpike(epochs: readonly EpochDto[]): FindingDto | null {
  for (let i = 1; i < epochs.length; i++) {
    const [before, after] = [epochs[i - 1].trainLoss, epochs[i].trainLoss];
    if (before !== null && after !== null && after > before * LOSS_SPIKE_FACTOR) {
      return finding(
        'loss_spike',
        'warning',
        `Train loss jumped from ${before.toFixed(3)} to ${after.toFixed(3)} at epoch ${epochs[i].epoch}.`,
        {
          chart: 'learning-curves',
          epochs: [epochs[i - 1].epoch, epochs[i].epoch],
          layers: [],
          values: { before, after },
        },
      );
    }
  }
  return null;
}

/** The ends of the network: the first and last tenth of its conv and linear layers (batch norm's scales are not weights that carry the signal). */
function ends(layers: readonly LayerStats[]): { first: LayerStats[]; last: LayerStats[] } | null {
  const weights = layers.filter((l) => l.kind !== 'batchnorm' && l.meanAbs !== null && Number.isFinite(l.meanAbs));
  if (weights.length < 2) return null;
  const k = Math.max(1, Math.round(weights.length * VANISHING_LAYER_FRACTION));
  return { first: weights.slice(0, k), last: weights.slice(-k) };
}

function vanishingGradients(flow: DiagnosisInput['gradientFlow']): FindingDto | null {
  if (flow.length < PERSIST_EPOCHS) return null;
  const recent = flow.slice(-PERSIST_EPOCHS);
  const ratios: { epoch: number; first: number; last: number; firstLayers: string[] }[] = [];
  for (const { epoch, layers } of recent) {
    const split = ends(layers);
    if (!split) return null;
    const first = geometricMean(split.first.map((l) => l.meanAbs as number));
    const last = geometricMean(split.last.map((l) => l.meanAbs as number));
    if (!(last > 0) || first / last >= VANISHING_RATIO) return null;
    ratios.push({ epoch, first, last, firstLayers: split.first.map((l) => l.shortName) });
  }
  const latest = ratios[ratios.length - 1];
  const decades = latest.first > 0 ? Math.log10(latest.last / latest.first) : Infinity;
  return finding(
    'vanishing_gradients',
    'critical',
    `The first layers' mean |gradient| (${sci(latest.first)}) is ${Number.isFinite(decades) ? `${decades.toFixed(0)} orders of magnitude` : 'infinitely far'} below the last layers' (${sci(latest.last)}) in each of the last ${PERSIST_EPOCHS} epochs: the early layers barely learn.`,
    {
      chart: 'gradient-flow',
      epochs: ratios.map((r) => r.epoch),
      layers: latest.firstLayers,
      values: { firstMeanAbs: latest.first, lastMeanAbs: latest.last, ratio: latest.first / latest.last },
    },
  );
}

function explodingGradients(flow: DiagnosisInput['gradientFlow']): FindingDto | null {
  const nonFinite = flow.find((f) => f.layers.some((l) => l.nonFiniteCount > 0));
  if (nonFinite) {
    const layers = nonFinite.layers.filter((l) => l.nonFiniteCount > 0);
    return finding(
      'exploding_gradients',
      'critical',
      `Gradients were NaN or infinite in epoch ${nonFinite.epoch} (${layers.length} layers, ${layers.reduce((s, l) => s + l.nonFiniteCount, 0)} entries).`,
      {
        chart: 'gradient-flow',
        epochs: [nonFinite.epoch],
        layers: layers.map((l) => l.shortName),
        values: { nonFiniteEntries: layers.reduce((s, l) => s + l.nonFiniteCount, 0) },
      },
    );
  }
  if (flow.length < 2) return null;
  const typical = (layers: readonly LayerStats[]) => {
    const values = layers
      .filter((l) => l.kind !== 'batchnorm' && l.meanAbs !== null && l.meanAbs > 0)
      .map((l) => l.meanAbs as number);
    return values.length ? median(values) : null;
  };
  const [first, last] = [flow[0], flow[flow.length - 1]];
  const [before, after] = [typical(first.layers), typical(last.layers)];
  if (before === null || after === null || after / before < EXPLODING_GROWTH) return null;
  return finding(
    'exploding_gradients',
    'critical',
    `The median layer's mean |gradient| grew ${(after / before).toFixed(0)}-fold, from ${sci(before)} (epoch ${first.epoch}) to ${sci(after)} (epoch ${last.epoch}).`,
    {
      chart: 'gradient-flow',
      epochs: [first.epoch, last.epoch],
      layers: [],
      values: { before, after, growth: after / before },
    },
  );
}

function deadLayers(flow: DiagnosisInput['gradientFlow']): FindingDto | null {
  const latest = flow[flow.length - 1];
  if (!latest) return null;
  const measured = latest.layers.filter(
    (l) =>
      l.kind !== 'batchnorm' && l.updateRatio !== null && l.updateRatio !== undefined && Number.isFinite(l.updateRatio),
  );
  if (measured.length < 2) return null;
  const typical = median(measured.map((l) => l.updateRatio as number));
  if (!(typical > 0)) return null;
  const dead = measured.filter((l) => (l.updateRatio as number) < typical * DEAD_UPDATE_RELATIVE);
  if (dead.length === 0) return null;
  const lowest = Math.min(...dead.map((l) => l.updateRatio as number));
  return finding(
    'dead_layers',
    'warning',
    `${dead.length} of ${measured.length} layers barely change: their update-to-weight ratio (as low as ${sci(lowest)}) is under ${DEAD_UPDATE_RELATIVE} of the median layer's (${sci(typical)}) in epoch ${latest.epoch}.`,
    {
      chart: 'gradient-flow',
      epochs: [latest.epoch],
      layers: dead.map((l) => l.shortName),
      values: { lowestUpdateRatio: lowest, medianUpdateRatio: typical, deadLayers: dead.length },
    },
  );
}

/** Every finding, most severe first. No findings: nothing the statistics can show is wrong. */
export function diagnose(input: DiagnosisInput): FindingDto[] {
  const flow = [...input.gradientFlow].filter((f) => f.layers.length > 0).sort((a, b) => a.epoch - b.epoch);
  const epochs = [...input.epochs].sort((a, b) => a.epoch - b.epoch);
  const found = [
    diverged(epochs),
    explodingGradients(flow),
    vanishingGradients(flow),
    stuckAtChance(epochs, input.numClasses),
    deadLayers(flow),
    overfitting(epochs),
    lossSpike(epochs),
  ];
  return found
    .filter((f): f is FindingDto => f !== null)
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
