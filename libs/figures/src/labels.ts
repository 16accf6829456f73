import type { BlockType, ExperimentConfig } from '@gradlab/contracts';

/** How the coursework names each fix; plain blocks are the broken baseline. */
export const BLOCK_TYPE_LABELS: Record<BlockType, string> = {
  conv_block: 'plain',
  empty_block: 'empty',
  conv_block_bn: 'BN',
  conv_block_bn_rc: 'BN+RC',
  conv_block_bn_v1: 'BN v1',
  conv_block_bn_rc_v1: 'BN+RC v1',
  dense_block: 'dense',
  conv_block_ds: 'deep supervision',
  custom: 'own block',
};

/** "VGG_38 · BN+RC · 32 filters": what a run is, in one line; a team's own block by its name. */
export function architectureSummary(run: { architecture: string; config: Pick<ExperimentConfig, 'model'> }): string {
  const { blockType, numFilters, block } = run.config.model;
  const label = typeof block === 'object' ? block.name : (BLOCK_TYPE_LABELS[blockType] ?? blockType);
  return `${run.architecture} · ${label} · ${numFilters} filters`;
}

/**
 * Runs' names in at most `max` characters each, for a key. Where one is longer, the words every name starts
 * with go first, as many as it takes ("VGG_38 BN+RC lr 1e-3 seed 0" and "... lr 1e-2 seed 1" read "…lr 1e-3 seed 0"
 * and "…lr 1e-2 seed 1" in 16 characters),
 * then what is still too long loses its middle, keeping the start and the end (where names differ: a seed, a
 * learning rate). Each stays told apart from the others: where two would read the same, more of the end is
 * kept. The full names stay in the data (CSV) and a report pack's README.
 */
export function shortLabels(names: string[], max: number): Map<string, string> {
  const prefix = names.some((name) => name.length > max) ? commonWordPrefix(names) : '';
  const cores = names.map((name) => (prefix ? `…${name.slice(prefixCut(name, prefix, max))}` : name));
  const shorten = (name: string, tail: number) => {
    if (name.length <= max) return name;
    const keepEnd = Math.min(tail, max - 2);
    return `${name.slice(0, max - 1 - keepEnd).trimEnd()}…${name.slice(name.length - keepEnd).trimStart()}`;
  };
  let tail = Math.ceil((max - 1) / 2);
  let short = cores.map((name) => shorten(name, tail));
  while (new Set(short).size < new Set(names).size && tail < max - 2) {
    tail++;
    short = cores.map((name) => shorten(name, tail));
  }
  return new Map(names.map((name, i) => [name, short[i]]));
}

/**
 * Where to cut a name that starts with the common prefix: as little of the prefix as leaves the rest in `max`
 * characters with the "…", at a word's start, so "…lr 1e-3 seed 0" keeps what fits of the words before the end.
 */
function prefixCut(name: string, prefix: string, max: number): number {
  const least = name.length - (max - 1);
  for (let i = Math.max(0, least); i < prefix.length; i++) if (i > 0 && prefix[i - 1] === ' ') return i;
  return prefix.length;
}

/** The whole words (up to a space) that two or more different names all start with; '' where none. */
export function commonWordPrefix(names: string[]): string {
  if (new Set(names).size < 2) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf(' ') + 1);
}

/** A Vega expression for a legend's labels: each name as shortLabels gives it. */
export function shortLabelExpression(names: string[], max: number): string {
  return `${JSON.stringify(Object.fromEntries(shortLabels(names, max)))}[datum.label] || datum.label`;
}
