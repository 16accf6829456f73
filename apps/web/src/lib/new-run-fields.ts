import {
  CreateRunRequestSchema,
  ExperimentConfigSchema,
  toFieldErrors,
  type CreateGroupRequest,
  type CreateRunRequest,
  type ExperimentConfig,
  type FieldError,
} from '@gradlab/contracts';
import { toNestErrors } from '@hookform/resolvers';
import type { FieldErrors, Resolver } from 'react-hook-form';
import { groupFields } from './group-request';

// The New run form's fields and how they become a request (new-run-form.tsx draws them).

/** The framework's defaults, from the contract itself: the form starts from what an empty request gets. */
export const DEFAULTS = ExperimentConfigSchema.parse({});
const shown = (value: string | number | undefined) => (value === undefined ? '' : String(value));

/** Every field of the form, as typed; empty means "the framework's default". */
export const FIELDS = {
  'config.model.numFilters': { label: 'Filters', kind: 'int' },
  'config.model.numStages': { label: 'Stages', kind: 'int' },
  'config.model.numBlocksPerStage': { label: 'Blocks per stage', kind: 'int' },
  'config.model.blockType': { label: 'Block', kind: 'select' },
  'config.training.epochs': { label: 'Epochs', kind: 'int' },
  'config.training.batchSize': { label: 'Batch size', kind: 'int' },
  'config.training.learningRate': { label: 'Learning rate', kind: 'number' },
  'config.training.minLearningRate': { label: 'Min. learning rate (cosine floor)', kind: 'number' },
  'config.training.weightDecay': { label: 'Weight decay', kind: 'number' },
  'config.training.seed': { label: 'Seed', kind: 'int' },
  'config.data.dataset': { label: 'Dataset', kind: 'select' },
  'config.data.trainLimit': { label: 'Train images (empty: all)', kind: 'int' },
  'config.data.valLimit': { label: 'Validation images (empty: all)', kind: 'int' },
  'config.data.testLimit': { label: 'Test images (empty: all)', kind: 'int' },
} as const;
export type FieldName = keyof typeof FIELDS;

/** The form as typed: the config's fields nest under `config` by their dotted names; empty means the default. */
export interface NewRunFields {
  name: string;
  config: Record<'model' | 'training' | 'data', Record<string, string>>;
  augment: boolean;
  /** A group: several seeds and/or a grid; both empty, a single run. */
  seeds: string;
  grid: string;
}

/** What a valid form submits: one run, or a group of runs. */
export type NewRunSubmission =
  { kind: 'run'; request: CreateRunRequest } | { kind: 'group'; request: CreateGroupRequest };

/**
 * The Block menu holds the block types and the team's own blocks; a block is chosen as `block:<id>`, which
 * the request sends as model.block in place of model.blockType.
 */
export const TEAM_BLOCK_PREFIX = 'block:';

/** A config as form values: every field filled, limits left empty when the run used all the data. */
function configToFields(config: ExperimentConfig): NewRunFields['config'] {
  const fields: NewRunFields['config'] = { model: {}, training: {}, data: {} };
  for (const field of Object.keys(FIELDS) as FieldName[]) {
    const [, group, key] = field.split('.') as [string, keyof ExperimentConfig, string];
    fields[group][key] = shown((config[group] as Record<string, string | number | null | undefined>)[key] ?? undefined);
  }
  const block = config.model.block;
  if (block !== undefined) fields.model.blockType = TEAM_BLOCK_PREFIX + (typeof block === 'string' ? block : block.id);
  return fields;
}

/** The form as it opens: the framework's defaults, or ("Clone and edit") another run's name and config. */
export function newRunFields(from?: { name: string; config: ExperimentConfig }): NewRunFields {
  const config = from?.config ?? DEFAULTS;
  const name = from ? `${from.name} (edited)`.slice(0, 200) : '';
  return { name, config: configToFields(config), augment: config.data.augment, seeds: '', grid: '' };
}

/** Form values to a request body: numbers parsed, blanks left to the defaults; text that is no number is named. */
export function toRequest(values: NewRunFields): { body: unknown; notNumbers: FieldError[] } {
  const config: Record<string, Record<string, unknown>> = {
    model: {},
    training: {},
    data: { augment: values.augment },
  };
  const notNumbers: FieldError[] = [];
  for (const field of Object.keys(FIELDS) as FieldName[]) {
    const [, group, key] = field.split('.') as [string, keyof NewRunFields['config'], string];
    const raw = (values.config[group][key] ?? '').trim();
    if (raw === '') continue;
    if (field === 'config.model.blockType' && raw.startsWith(TEAM_BLOCK_PREFIX)) {
      config.model.block = raw.slice(TEAM_BLOCK_PREFIX.length);
      continue;
    }
    const value = FIELDS[field].kind === 'select' ? raw : Number(raw);
    if (typeof value === 'number' && !Number.isFinite(value))
      notNumbers.push({ field, message: `"${raw}" is not a number` });
    config[group][key] = value;
  }
  const name = values.name.trim();
  return { body: { ...(name ? { name } : {}), config }, notNumbers };
}

/**
 * The form's resolver: the contract the api enforces, checked here first so each message sits next to its
 * field; then the seeds and grid, when there are any.
 */
export const checkNewRun: Resolver<NewRunFields, unknown, NewRunSubmission> = (values, _context, options) => {
  const invalid = (errors: FieldError[]) => ({
    values: {},
    errors: toNestErrors(
      Object.fromEntries(errors.map((e) => [e.field, { type: 'validate', message: e.message }])),
      options,
    ),
  });
  const { body, notNumbers } = toRequest(values);
  const parsed = CreateRunRequestSchema.safeParse(body);
  if (!parsed.success || notNumbers.length) {
    const contractErrors = parsed.success
      ? []
      : toFieldErrors(parsed.error).filter((e) => !notNumbers.some((n) => n.field === e.field));
    return invalid([...notNumbers, ...contractErrors]);
  }
  const group = groupFields(values.seeds, values.grid);
  if (!group.group) return { values: { kind: 'run', request: body as CreateRunRequest }, errors: {} };
  if (group.errors.length) return invalid(group.errors);
  const request = {
    ...(body as CreateRunRequest),
    ...(group.seeds ? { seeds: group.seeds } : {}),
    ...(group.grid ? { grid: group.grid } : {}),
  };
  return { values: { kind: 'group', request }, errors: {} };
};

/** The form's errors, nested by react-hook-form, as the flat list of fields and messages the api also sends. */
export function flatErrors(errors: FieldErrors, prefix = ''): FieldError[] {
  return Object.entries(errors).flatMap(([key, value]): FieldError[] => {
    if (!value || typeof value !== 'object' || key === 'ref' || (key === 'root' && !prefix)) return []; // the form's own: shown apart
    const field = key === 'root' ? prefix : prefix ? `${prefix}.${key}` : key;
    if (typeof value.message === 'string') return value.message ? [{ field, message: value.message }] : [];
    return flatErrors(value as FieldErrors, field);
  });
}
