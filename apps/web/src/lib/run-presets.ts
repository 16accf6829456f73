import type { BlockType } from '@gradlab/contracts';

/** The coursework's networks: the healthy VGG_08, the broken VGG_38, and VGG_38 with its fixes. */
export const RUN_PRESETS: { label: string; numBlocksPerStage: number; blockType: BlockType }[] = [
  { label: 'VGG_08', numBlocksPerStage: 0, blockType: 'conv_block' },
  { label: 'VGG_38', numBlocksPerStage: 5, blockType: 'conv_block' },
  { label: 'VGG_38 + BN', numBlocksPerStage: 5, blockType: 'conv_block_bn' },
  { label: 'VGG_38 + BN + RC', numBlocksPerStage: 5, blockType: 'conv_block_bn_rc' },
  { label: 'VGG_38 + BN v1', numBlocksPerStage: 5, blockType: 'conv_block_bn_v1' },
  { label: 'VGG_38 + BN + RC v1', numBlocksPerStage: 5, blockType: 'conv_block_bn_rc_v1' },
];
