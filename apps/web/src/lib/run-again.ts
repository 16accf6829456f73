import type { CreateRunRequest, RunDto } from '@gradlab/contracts';

/** The same config with the next seed, named for it: "VGG_38 BN seed 0" becomes "VGG_38 BN seed 1". */
export function runAgainRequest(run: Pick<RunDto, 'name' | 'config'>): CreateRunRequest {
  const seed = run.config.training.seed + 1;
  const name = /\bseed \d+\b/.test(run.name)
    ? run.name.replace(/\bseed \d+\b/, `seed ${seed}`)
    : `${run.name} seed ${seed}`;
  return { name: name.slice(0, 200), config: { ...run.config, training: { ...run.config.training, seed } } };
}
