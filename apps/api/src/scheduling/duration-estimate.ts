import { median } from '@gradlab/analysis';
import type { DurationEstimateDto, ExperimentConfig } from '@gradlab/contracts';
import { describeNetwork, epochWork, forwardMultiplyAdds, splitSizes } from '@gradlab/models';

/** A stored epoch: how long it took, for which config, on which backend (null: its run recorded none). */
export interface EpochSample {
  durationMs: number;
  config: ExperimentConfig;
  backend: string | null;
}

/** What identifies a network for "measured on this network", field by field (JSONB reorders keys). */
/** A team's blocks are all blockType `custom`: the block's id tells them apart. */
const networkKey = ({ model }: ExperimentConfig) =>
  [
    model.numFilters,
    model.numStages,
    model.numBlocksPerStage,
    model.blockType,
    typeof model.block === 'object' ? model.block.id : (model.block ?? ''),
  ].join('|');

/**
 * Milliseconds per unit of work (a forward multiply-add of one image), from measured epochs, most recent
 * first. Only epochs of the most recent epoch's backend count: after workers move to a faster one (wasm to
 * wasm+onednn, 3.5-5x), the older backend's epochs would hold the median back until they left the window. Epochs
 * of the same network are preferred; otherwise every network's, since time scales with multiply-adds to a
 * first approximation. The median, so that an epoch slowed by a busy host does not move it. The samples are
 * read once; the estimator it returns answers for any number of configs (a queue's worth) cheaply.
 */
export function durationEstimator(
  allSamples: EpochSample[],
): (config: ExperimentConfig) => Omit<DurationEstimateDto, 'pool' | 'waitsForGpu'> {
  const backend = allSamples.find((s) => s.backend !== null)?.backend ?? null;
  const samples = backend === null ? allSamples : allSamples.filter((s) => s.backend === backend);
  const works = new Map<string, number>();
  const workOf = (c: ExperimentConfig) => {
    const sizes = splitSizes(c.data);
    const key = `${networkKey(c)}|${sizes.train}|${sizes.val}`;
    let work = works.get(key);
    if (work === undefined) works.set(key, (work = epochWork(describeNetwork(c.model), c.data)));
    return work;
  };
  const rates = samples
    .filter((s) => s.durationMs > 0)
    .map((s) => ({ network: networkKey(s.config), msPerWork: s.durationMs / workOf(s.config) }));
  const overall = rates.length ? median(rates.map((r) => r.msPerWork)) : null;
  const byNetwork = new Map<string, number[]>();
  for (const r of rates) byNetwork.set(r.network, [...(byNetwork.get(r.network) ?? []), r.msPerWork]);
  const medianByNetwork = new Map(
    [...byNetwork].map(([network, values]) => [network, { rate: median(values), count: values.length }]),
  );

  return (config) => {
    const same = medianByNetwork.get(networkKey(config));
    const msPerWork = same?.rate ?? overall;
    if (msPerWork === null) return { epochMs: null, totalMs: null, basis: 'none', epochsMeasured: 0, backend: null };
    const epochMs = msPerWork * workOf(config);
    const testMs = msPerWork * forwardMultiplyAdds(describeNetwork(config.model)) * splitSizes(config.data).test;
    return {
      epochMs,
      totalMs: epochMs * config.training.epochs + testMs,
      basis: same ? 'same-network' : 'scaled',
      epochsMeasured: same?.count ?? rates.length,
      backend,
    };
  };
}

/** One config's estimate (durationEstimator for many). */
export function estimateDuration(samples: EpochSample[], config: ExperimentConfig) {
  return durationEstimator(samples)(config);
}
