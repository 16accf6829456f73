import { z } from 'zod';

/**
 * Processing blocks the coursework network can be built from. conv_block: the framework's plain block;
 * empty_block: identity; conv_block_bn: + batch norm; conv_block_bn_rc: + residual connections;
 * dense_block: DenseNet-style concatenation within a stage (Huang et al. 2017); conv_block_ds: plain blocks
 * with deep supervision, an auxiliary classifier per stage (Lee et al. 2015). See
 * libs/models/src/network-spec.ts.
 */
export const BLOCK_TYPES = [
  'conv_block',
  'empty_block',
  'conv_block_bn',
  'conv_block_bn_rc',
  'dense_block',
  'conv_block_ds',
] as const;
export const BlockTypeSchema = z.enum(BLOCK_TYPES);
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
export const ModelConfigSchema = z.strictObject({
  // 32x32 images are halved once per stage, so more than 5 stages would pool below 1x1.
  numFilters: int(1, 512).default(32),
  numStages: int(1, 5).default(3),
  numBlocksPerStage: int(0, 50).default(5),
  blockType: BlockTypeSchema.default('conv_block'),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

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
