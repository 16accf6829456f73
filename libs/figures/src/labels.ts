import type { BlockType, ExperimentConfig } from '@gradlab/contracts';

/** How the coursework names each fix; plain blocks are the broken baseline. */
export const BLOCK_TYPE_LABELS: Record<BlockType, string> = {
  conv_block: 'plain',
  empty_block: 'empty',
  conv_block_bn: 'BN',
  conv_block_bn_rc: 'BN+RC',
  dense_block: 'dense',
  conv_block_ds: 'deep supervision',
};

/** "VGG_38 · BN+RC · 32 filters": what a run is, in one line. */
export function architectureSummary(run: { architecture: string; config: Pick<ExperimentConfig, 'model'> }): string {
  const { blockType, numFilters } = run.config.model;
  return `${run.architecture} · ${BLOCK_TYPE_LABELS[blockType] ?? blockType} · ${numFilters} filters`;
}
