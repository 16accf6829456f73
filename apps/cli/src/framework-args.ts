import type { ExperimentConfigInput } from '@gradlab/contracts';

/**
 * The course framework's command line (pytorch_mlp_framework/arg_extractor.py), mapped onto an experiment
 * config. Every flag the framework has is either mapped or ignored with a reason.
 */
const MAPPED: Record<
  string,
  (
    value: string,
    out: { name?: string; config: Required<Pick<ExperimentConfigInput, 'model' | 'training'>> & ExperimentConfigInput },
  ) => void
> = {
  batch_size: (v, o) => void (o.config.training.batchSize = int(v, 'batch_size')),
  seed: (v, o) => void (o.config.training.seed = int(v, 'seed')),
  num_stages: (v, o) => void (o.config.model.numStages = int(v, 'num_stages')),
  num_blocks_per_stage: (v, o) => void (o.config.model.numBlocksPerStage = int(v, 'num_blocks_per_stage')),
  num_filters: (v, o) => void (o.config.model.numFilters = int(v, 'num_filters')),
  num_epochs: (v, o) => void (o.config.training.epochs = int(v, 'num_epochs')),
  learning_rate: (v, o) => void (o.config.training.learningRate = num(v, 'learning_rate')),
  weight_decay_coefficient: (v, o) => void (o.config.training.weightDecay = num(v, 'weight_decay_coefficient')),
  block_type: (v, o) => void (o.config.model.blockType = v as never),
  experiment_name: (v, o) => void (o.name = v),
};

const IGNORED_FLAGS: Record<string, string> = {
  use_gpu: 'workers choose their backend (GPU where there is one)',
  gpu_id: 'workers choose their device',
  continue_from_epoch: 'a run resumes from its latest checkpoint by itself',
  image_num_channels: 'CIFAR-100 images are 3 x 32 x 32',
  image_height: 'CIFAR-100 images are 3 x 32 x 32',
  image_width: 'CIFAR-100 images are 3 x 32 x 32',
  dataset_name: 'the dataset is CIFAR-100',
};

export interface FrameworkCommand {
  name?: string;
  config: ExperimentConfigInput;
  ignored: { flag: string; reason: string }[];
}

/** `python pytorch_mlp_framework/train_evaluate_image_classification_system.py --batch_size 100 ...` */
export function parseFrameworkCommand(argv: string[]): FrameworkCommand {
  const out: {
    name?: string;
    config: { model: Record<string, unknown>; training: Record<string, unknown>; data: Record<string, unknown> };
  } = {
    config: { model: {}, training: {}, data: {} },
  };
  const ignored: { flag: string; reason: string }[] = [];
  const args = argv.filter((a, i) => !(i === 0 && /python/.test(a)) && !a.endsWith('.py'));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}" in the framework's command line`);
    const [flag, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? args[++i];
    if (value === undefined) throw new Error(`--${flag} needs a value`);
    if (flag === 'num_classes') {
      if (int(value, 'num_classes') !== 100)
        throw new Error('--num_classes: gradlab trains CIFAR-100, so it must be 100');
      continue;
    }
    const map = MAPPED[flag];
    if (map) map(value.replace(/^'(.*)'$/, '$1'), out as never);
    else if (IGNORED_FLAGS[flag]) ignored.push({ flag, reason: IGNORED_FLAGS[flag] });
    else throw new Error(`--${flag} is not a flag of the course framework`);
  }
  return { name: out.name, config: out.config as ExperimentConfigInput, ignored };
}

function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`--${flag}: "${value}" is not an integer`);
  return n;
}

function num(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag}: "${value}" is not a number`);
  return n;
}
