import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BLOCK_TYPES, cellKey, parseGridAxis, parseSeeds, type ExperimentConfigInput } from '@gradlab/contracts';
import type { CliApi } from '../cli-api';
import type { CliContext } from '../cli-context';
import { parseFrameworkCommand } from '../framework-args';
import { watchRun } from '../watch-run';

type LooseConfig = { model: Record<string, unknown>; training: Record<string, unknown>; data: Record<string, unknown> };

/** A flag that sets one config field; `about` is its help when the field's name alone does not say enough. */
function configFlag(
  flag: string,
  section: keyof LooseConfig,
  field: string,
  kind: 'number' | 'string',
  about = `${section}.${field}`,
) {
  return { option: new Option(flag, about), section, field, kind };
}

/** Each given flag overrides the --config file and the framework's command line. */
const CONFIG_FLAGS = [
  configFlag('--filters <N>', 'model', 'numFilters', 'number'),
  configFlag('--stages <N>', 'model', 'numStages', 'number'),
  configFlag('--blocks <N>', 'model', 'numBlocksPerStage', 'number', 'model.numBlocksPerStage (5: VGG_38, 0: VGG_08)'),
  configFlag('--block-type <TYPE>', 'model', 'blockType', 'string', 'model.blockType, e.g. conv_block_bn_rc_v1'),
  configFlag(
    '--block <ID>',
    'model',
    'block',
    'string',
    "model.block: one of your team's blocks (gradlab blocks list)",
  ),
  configFlag('--epochs <N>', 'training', 'epochs', 'number'),
  configFlag('--batch-size <N>', 'training', 'batchSize', 'number'),
  configFlag('--lr <X>', 'training', 'learningRate', 'number'),
  configFlag('--weight-decay <X>', 'training', 'weightDecay', 'number'),
  configFlag('--seed <N>', 'training', 'seed', 'number'),
  configFlag('--dataset <NAME>', 'data', 'dataset', 'string', 'data.dataset: cifar100 or synthetic'),
  configFlag('--train-limit <N>', 'data', 'trainLimit', 'number'),
  configFlag('--val-limit <N>', 'data', 'valLimit', 'number'),
  configFlag('--test-limit <N>', 'data', 'testLimit', 'number'),
];

interface SubmitOptions extends Record<string, unknown> {
  name?: string;
  config?: string;
  watch?: boolean;
  augment: boolean;
  seeds?: string;
  grid?: string[];
}

export function submitCommand(context: CliContext): Command {
  const command = new Command('submit')
    .description('submit a run, or with --seeds (and --grid) a group: every seed in every cell of the grid')
    .argument(
      '[framework...]',
      "after --, the course framework's own command line (python .../train_evaluate_image_classification_system.py --batch_size 100 ...)",
    )
    .option('--name <NAME>', "the run's name")
    .option(
      '--config <FILE>',
      'an experiment config as JSON ({ model, training, data }, or a run as the api returns it)',
    )
    .option('--watch', 'follow the run until it finishes; exit 0 when it completed');
  for (const { option } of CONFIG_FLAGS) command.addOption(option);
  return command
    .option('--no-augment', 'data.augment false')
    .option('--seeds <SEEDS>', 'a group over these seeds: 0..4 or 0,1,7')
    .option(
      '--grid <AXIS...>',
      'a group over a grid, name=value,value per axis (lr minLr batch wd epochs filters stages blocks block augment)',
    )
    .addHelpText(
      'after',
      `
Examples:
  gradlab submit --name vgg08 --blocks 0 --epochs 20 --watch
  gradlab submit --watch -- python pytorch_mlp_framework/train_evaluate_image_classification_system.py --batch_size 100 --num_blocks_per_stage 5
  gradlab submit --block-type conv_block_bn_rc --seeds 0..4 --grid lr=1e-3,3e-4 batch=64,128 wd=0,1e-4
  gradlab submit --block 3f1c2a8e-... --seeds 0..2 --epochs 20   (a block of your team: gradlab blocks list)`,
    )
    .action(async (framework: string[], options: SubmitOptions) => {
      process.exitCode = await submit(context.api(), framework, options);
    });
}

async function submit(api: CliApi, framework: string[], options: SubmitOptions): Promise<number> {
  let name = options.name;
  let config: LooseConfig = { model: {}, training: {}, data: {} };
  if (options.config) {
    const file = JSON.parse(readFileSync(options.config, 'utf8'));
    const fromFile = file.config ?? file;
    config = { model: { ...fromFile.model }, training: { ...fromFile.training }, data: { ...fromFile.data } };
    name ??= file.name;
  }
  if (framework.length) {
    const parsed = parseFrameworkCommand(framework);
    for (const { flag, reason } of parsed.ignored) console.log(`ignoring --${flag}: ${reason}`);
    config = {
      model: { ...config.model, ...parsed.config.model },
      training: { ...config.training, ...parsed.config.training },
      data: { ...config.data },
    };
    name ??= parsed.name;
  }
  for (const { option, section, field, kind } of CONFIG_FLAGS) {
    const value = options[option.attributeName()] as string | undefined;
    if (value !== undefined) config[section][field] = kind === 'number' ? Number(value) : value;
  }
  if (!options.augment) config.data.augment = false;
  await nameTeamBlock(api, config);

  const seeds = options.seeds === undefined ? undefined : parseSeeds(options.seeds);
  if (typeof seeds === 'string') throw new Error(`--seeds: ${seeds}`);
  const grid = options.grid === undefined ? undefined : parseGrid(options.grid);
  if (seeds !== undefined || grid !== undefined) {
    if (options.watch) throw new Error('--watch follows one run; follow a group with `gradlab group ID`');
    const group = await api.submitGroup({ name, config, ...(seeds ? { seeds } : {}), ...(grid ? { grid } : {}) });
    console.log(
      `submitted group ${group.id}: ${group.name}, ${group.runs.length} runs (${group.seeds.length} seeds x ${group.cells.length} cells)`,
    );
    for (const run of group.runs) console.log(`  ${run.id}  seed ${run.seed}  ${cellKey(run.cell)}`);
    return 0;
  }
  const run = await api.submit({ name, config: config as ExperimentConfigInput });
  const m = run.config.model;
  const block = typeof m.block === 'object' ? `block ${m.block.name}` : m.blockType;
  console.log(
    `submitted ${run.id}: ${run.name} (${m.numFilters} filters, ${m.numStages} stages, ${m.numBlocksPerStage} blocks per stage, ${block}, ${run.config.training.epochs} epochs)`,
  );
  if (!options.watch) return 0;
  return (await watchRun(api, run.id)).status === 'completed' ? 0 : 1;
}

/**
 * A block type that is none of gradlab's (`--block_type my_block` on the framework's command line, as the
 * export's clause names it, or `--block-type my_block`) names one of the team's blocks: model.block is its id.
 */
async function nameTeamBlock(api: CliApi, config: LooseConfig): Promise<void> {
  const named = config.model.blockType;
  if (typeof named !== 'string' || (BLOCK_TYPES as readonly string[]).includes(named)) return;
  const own = (await api.blocks()).find((block) => block.name === named);
  if (!own) return; // the api names model.blockType as unknown
  config.model.block = own.id;
  delete config.model.blockType;
}

/** `lr=1e-3,3e-4 batch=64,128`: one axis per word. */
function parseGrid(words: string[]): Record<string, (string | number | boolean)[]> {
  const grid: Record<string, (string | number | boolean)[]> = {};
  for (const word of words) {
    const axis = parseGridAxis(word);
    if (typeof axis === 'string') throw new Error(`--grid: ${axis}`);
    grid[axis[0]] = axis[1];
  }
  return grid;
}
