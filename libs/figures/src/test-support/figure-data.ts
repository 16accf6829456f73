import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ExperimentConfigSchema,
  type AggregateDto,
  type EpochDto,
  type GradientFlowDto,
  type LayerGradientDto,
} from '@gradlab/contracts';
import { describeNetwork, shortParamName, weightParams } from '@gradlab/models';

/**
 * Data for the figure tests, as the platform holds it: the course's reference runs (imported: learning
 * curves only) from shared/reference/course-runs, and deep runs' gradient flow shaped as the coursework's
 * two cases are (a plain VGG_38 whose gradients vanish layer by layer, a BN+RC one whose flow stays flat).
 */
export const REFERENCE_RUNS = path.resolve(__dirname, '../../../../../shared/reference/course-runs');

/** A reference run's summary.csv as epochs (row k is epoch k). */
export function referenceEpochs(network: 'VGG_08' | 'VGG_38'): EpochDto[] {
  const rows = readFileSync(path.join(REFERENCE_RUNS, network, 'result_outputs', 'summary.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return rows.map((row, epoch) => {
    const [trainAccuracy, trainLoss, valAccuracy, valLoss] = row.split(',').map(Number);
    return { epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, learningRate: 1e-3, durationMs: 60_000 };
  });
}

/** The weight layers of a coursework network, in order, as a run's gradient flow lists them. */
export function networkLayers(
  blockType: 'conv_block' | 'conv_block_bn_rc',
  numBlocksPerStage = 5,
): { name: string; shortName: string; kind: LayerGradientDto['kind'] }[] {
  const spec = describeNetwork(ExperimentConfigSchema.parse({ model: { numBlocksPerStage, blockType } }).model);
  return weightParams(spec).map((p) => ({
    name: p.name,
    shortName: shortParamName(p.name),
    kind: p.kind === 'bn_weight' ? 'batchnorm' : p.kind === 'linear_weight' ? 'linear' : 'conv',
  }));
}

/**
 * A run's gradient flow at `epoch`: a plain network's mean |g| falls a decade every few layers from the
 * classifier back (1e-12 at the first layers); BN+RC keeps every layer within a decade of 1e-2.
 */
export function gradientFlow(
  blockType: 'conv_block' | 'conv_block_bn_rc',
  epoch: number,
  numBlocksPerStage = 5,
): GradientFlowDto {
  const layers = networkLayers(blockType, numBlocksPerStage);
  return {
    runId: '00000000-0000-4000-8000-000000000000',
    epoch,
    layers: layers.map((l, i): LayerGradientDto => {
      const depthFromTop = layers.length - 1 - i;
      const value =
        blockType === 'conv_block'
          ? 1e-2 * 10 ** (-depthFromTop / 4) * (1 + 0.1 * epoch)
          : 1e-2 * (1 + 0.5 * Math.sin(i)) * (1 + 0.05 * epoch);
      return {
        layerIndex: i,
        ...l,
        meanAbs: value,
        lastBatchMeanAbs: value * 1.1,
        l2: value * 30,
        maxAbs: value * 10,
        nonFiniteCount: 0,
        weightL2: 1,
        updateRatio: 1e-3,
      };
    }),
  };
}

/** A group of seeds' aggregate: the reference VGG_08's curves with a spread, and a BN+RC flow. */
export function groupAggregate(seeds = 3): Pick<AggregateDto, 'epochs' | 'gradientFlow'> {
  const stat = (mean: number, std: number) => ({ mean, std, min: mean - std, max: mean + std, n: seeds });
  const epochs = referenceEpochs('VGG_08').map((e) => ({
    epoch: e.epoch,
    n: seeds,
    trainLoss: stat(e.trainLoss as number, 0.05),
    valLoss: stat(e.valLoss as number, 0.08),
    trainAccuracy: stat(e.trainAccuracy, 0.01),
    valAccuracy: stat(e.valAccuracy, 0.015),
    learningRate: stat(1e-3, 0),
    durationMs: stat(60_000, 1000),
  }));
  const flow = gradientFlow('conv_block_bn_rc', 99);
  const logStat = (value: number) => ({
    geometricMean: value,
    log10Std: 0.2,
    n: seeds,
    zeros: 0,
    min: value / 2,
    max: value * 2,
  });
  const layers = flow.layers.map((l) => ({
    layerIndex: l.layerIndex,
    name: l.name,
    shortName: l.shortName,
    kind: l.kind,
    meanAbs: logStat(l.meanAbs as number),
    lastBatchMeanAbs: logStat(l.lastBatchMeanAbs as number),
    updateRatio: logStat(1e-3),
  }));
  return { epochs, gradientFlow: [{ epoch: 99, layers }] as unknown as AggregateDto['gradientFlow'] };
}
