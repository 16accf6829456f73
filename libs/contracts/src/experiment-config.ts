import { z } from 'zod';
import { ResolvedBlockSchema } from './blocks';

/**
 * Processing blocks the coursework network can be built from. conv_block: the framework's plain block;
 * empty_block: identity; conv_block_bn: + batch norm (conv, leaky_relu, BN: the course's reference
 * solution); conv_block_bn_rc: + residual connections added before the second BN; conv_block_bn_v1 and
 * conv_block_bn_rc_v1: the orderings most students write (conv, BN, leaky_relu; ResNet v1, He et al. 2016);
 * dense_block: DenseNet-style concatenation within a stage (Huang et al. 2017); conv_block_ds: plain blocks
 * with deep supervision, an auxiliary classifier per stage (Lee et al. 2015); custom: the team's own block,
 * `model.block`. The block types but dense_block and empty_block are graphs (libs/models/src/blocks/presets.ts).
 */
export const BLOCK_TYPES = [
  'conv_block',
  'empty_block',
  'conv_block_bn',
  'conv_block_bn_rc',
  'conv_block_bn_v1',
  'conv_block_bn_rc_v1',
  'dense_block',
  'conv_block_ds',
  'custom',
] as const;
export const BlockTypeSchema = z.enum(BLOCK_TYPES);

/**
 * Each block type's order in words, for the New run form and the CLI (a models test holds the graph presets
 * to these words).
 */
export const BLOCK_TYPE_ORDERS: Record<BlockType, { processing: string; reduction: string }> = {
  conv_block: {
    processing: 'conv, leaky_relu, conv, leaky_relu',
    reduction: 'conv, leaky_relu, avg_pool, conv, leaky_relu',
  },
  empty_block: { processing: 'identity', reduction: 'identity (no pooling)' },
  conv_block_bn: {
    processing: 'conv, leaky_relu, BN, conv, leaky_relu, BN',
    reduction: 'conv, leaky_relu, BN, avg_pool, conv, leaky_relu, BN',
  },
  conv_block_bn_rc: {
    processing: 'conv, leaky_relu, BN, conv, leaky_relu, + x, BN',
    reduction: 'conv, leaky_relu, BN, avg_pool, conv, leaky_relu, BN',
  },
  conv_block_bn_v1: {
    processing: 'conv, BN, leaky_relu, conv, BN, leaky_relu',
    reduction: 'conv, BN, leaky_relu, avg_pool, conv, BN, leaky_relu',
  },
  conv_block_bn_rc_v1: {
    processing: 'conv, BN, leaky_relu, conv, BN, + x, leaky_relu',
    reduction: 'conv, BN, leaky_relu, avg_pool, conv, BN, + avg_pool(x), leaky_relu',
  },
  dense_block: {
    processing: 'conv, leaky_relu, BN, concatenated with every earlier layer of the stage',
    reduction: 'conv, leaky_relu, BN, avg_pool, conv, leaky_relu, BN (the transition)',
  },
  conv_block_ds: {
    processing: 'conv, leaky_relu, conv, leaky_relu',
    reduction: 'conv, leaky_relu, avg_pool, conv, leaky_relu, then an auxiliary classifier',
  },
  custom: { processing: "your block's graph", reduction: "your block's graph" },
};
export type BlockType = z.infer<typeof BlockTypeSchema>;

export const DATASETS = ['cifar100', 'synthetic'] as const;
export const DatasetSchema = z.enum(DATASETS);
export type Dataset = z.infer<typeof DatasetSchema>;
/** Classes of each dataset: chance is 1/C accuracy and ln C loss. The synthetic set mimics CIFAR-100's labels. */
export const DATASET_CLASSES: Record<Dataset, number> = { cifar100: 100, synthetic: 100 };

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Defaults are the course framework's (pytorch_mlp_framework): 32 filters, 3 stages, 5 blocks per stage
 * (the VGG_38 of its default script), batch 100, Adam lr 1e-3, no weight decay, cosine annealing to
 * 2e-5 over 100 epochs, CIFAR-100 with augmentation.
 */
/**
 * `block` is a block of the caller's team: its id on submission, which the api replaces by the block itself
 * (`{ id, name, graph }`), so a run keeps the graph it trained whatever happens to the library. With a block,
 * `blockType` is `custom` (filled in when left to its default).
 */
export const ModelConfigSchema = z
  .strictObject({
    // 32x32 images are halved once per stage, so more than 5 stages would pool below 1x1.
    numFilters: int(1, 512).default(32),
    numStages: int(1, 5).default(3),
    numBlocksPerStage: int(0, 50).default(5),
    blockType: BlockTypeSchema.default('conv_block'),
    block: z
      .union([z.string().uuid('must be the id of one of your team’s blocks'), ResolvedBlockSchema])
      .optional()
      .describe('a block of your team (its id), in place of blockType'),
  })
  // overwrite, not transform: the schema keeps its type, so the OpenAPI document still describes it
  .overwrite((model) =>
    model.block !== undefined && model.blockType === 'conv_block' ? { ...model, blockType: 'custom' as const } : model,
  )
  .superRefine((model, ctx) => {
    if (model.block !== undefined && model.blockType !== 'custom') {
      ctx.addIssue({ code: 'custom', path: ['block'], message: 'give model.block or model.blockType, not both' });
    }
    if (model.block === undefined && model.blockType === 'custom') {
      ctx.addIssue({ code: 'custom', path: ['block'], message: 'model.blockType custom needs model.block' });
    }
  });
export type ModelConfig = z.output<typeof ModelConfigSchema>;

export const TrainingConfigSchema = z.strictObject({
  epochs: int(1, 1000).default(100),
  batchSize: int(1, 4096).default(100),
  learningRate: z.number().gt(0).max(10).default(1e-3),
  /** Cosine annealing floor (the framework's eta_min). */
  minLearningRate: z.number().min(0).max(10).default(2e-5),
  weightDecay: z.number().min(0).max(1).default(0),
  seed: int(0, 2 ** 31 - 1).default(0),
});
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

const limit = int(1, 1_000_000).optional();

export const DataConfigSchema = z.strictObject({
  dataset: DatasetSchema.default('cifar100'),
  augment: z.boolean().default(true),
  trainLimit: limit,
  valLimit: limit,
  testLimit: limit,
});
export type DataConfig = z.infer<typeof DataConfigSchema>;

export const ExperimentConfigSchema = z
  .strictObject({
    model: ModelConfigSchema.prefault({}),
    training: TrainingConfigSchema.prefault({}),
    data: DataConfigSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.training.minLearningRate > config.training.learningRate) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'minLearningRate'],
        message: 'must not exceed training.learningRate',
      });
    }
  });
/** A complete config, every default filled in. */
export type ExperimentConfig = z.infer<typeof ExperimentConfigSchema>;
/** What a client may send: any field may be left to its default. */
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;
