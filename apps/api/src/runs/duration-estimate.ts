import type { DurationEstimateDto, ExperimentConfig } from '@gradlab/contracts';
import { describeNetwork, epochWork, forwardMultiplyAdds, splitSizes } from '@gradlab/models';

/** A stored epoch: how long it took, and for which config. */
export interface EpochSample {
  durationMs: number;
  config: ExperimentConfig;
}

/** What identifies a network for "measured on this network", field by field (JSONB reorders keys). */
const networkKey = ({ model }: ExperimentConfig) => [model.numFilters, model.numStages, model.numBlocksPerStage, model.blockType].join('|');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Milliseconds per unit of work (a forward multiply-add of one image), from measured epochs. Epochs of the
 * same network are preferred; otherwise every network's, since time scales with multiply-adds to a first
 * approximation. The median, so that an epoch slowed by a busy host does not move it.
 */
export function estimateDuration(samples: EpochSample[], config: ExperimentConfig): DurationEstimateDto {
  const works = new Map<string, number>();
  const workOf = (c: ExperimentConfig) => {
    const sizes = splitSizes(c.data);
    const key = `${networkKey(c)}|${sizes.train}|${sizes.val}`;
    let work = works.get(key);
    if (work === undefined) works.set(key, (work = epochWork(describeNetwork(c.model), c.data)));
    return work;
  };
  const usable = samples.filter((s) => s.durationMs > 0);
  const same = usable.filter((s) => networkKey(s.config) === networkKey(config));
  const basisSamples = same.length ? same : usable;
  if (!basisSamples.length) return { epochMs: null, totalMs: null, basis: 'none', epochsMeasured: 0 };
  const msPerWork = median(basisSamples.map((s) => s.durationMs / workOf(s.config)));
  const epochMs = msPerWork * workOf(config);
  const testMs = msPerWork * forwardMultiplyAdds(describeNetwork(config.model)) * splitSizes(config.data).test;
  return { epochMs, totalMs: epochMs * config.training.epochs + testMs, basis: same.length ? 'same-network' : 'scaled', epochsMeasured: basisSamples.length };
}
