import { z } from 'zod';
import { RunResourcesSchema } from './scheduling';
import { ExperimentConfigSchema, type ExperimentConfig } from './experiment-config';
import { RunDtoSchema } from './runs';
import { text, toFieldErrors, type FieldError } from './validation';

/**
 * A group is one config run over several seeds and, optionally, a grid of hyperparameters: the cross
 * product of seeds x every grid axis, each a run of its own. The grid names parameters by short alias (as the
 * CLI's `--grid lr=1e-3,3e-4 batch=64,128`) or by their path in the config (`training.learningRate`).
 */
export const GRID_PARAMETERS = {
  lr: 'training.learningRate',
  minLr: 'training.minLearningRate',
  batch: 'training.batchSize',
  wd: 'training.weightDecay',
  epochs: 'training.epochs',
  filters: 'model.numFilters',
  stages: 'model.numStages',
  blocks: 'model.numBlocksPerStage',
  block: 'model.blockType',
  augment: 'data.augment',
} as const;
export type GridAlias = keyof typeof GRID_PARAMETERS;
const PATH_TO_ALIAS = Object.fromEntries(
  Object.entries(GRID_PARAMETERS).map(([alias, path]) => [path, alias]),
) as Record<string, GridAlias>;

/** The default cap on a group's runs (MAX_GROUP_RUNS): 5 seeds x 12 cells is a generous coursework sweep. */
export const DEFAULT_MAX_GROUP_RUNS = 64;

const gridValue = z.union([z.number(), z.string(), z.boolean()]);

export const CreateGroupRequestSchema = z.strictObject({
  name: text().trim().min(1).max(200).optional(),
  config: ExperimentConfigSchema,
  resources: RunResourcesSchema.optional(),
  seeds: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .min(1)
    .max(1000)
    .refine((seeds) => new Set(seeds).size === seeds.length, 'must not repeat a seed')
    .optional()
    .describe("the seeds to run each cell with; default: the config's own seed"),
  grid: z
    .record(z.string(), z.array(gridValue).min(1).max(64))
    .optional()
    .describe(
      `parameter -> values; parameters by alias (${Object.keys(GRID_PARAMETERS).join(', ')}) or by config path (training.learningRate)`,
    ),
});
export type CreateGroupRequest = z.input<typeof CreateGroupRequestSchema>;
export type ParsedCreateGroupRequest = z.output<typeof CreateGroupRequestSchema>;

/** A grid parameter's value in one cell, by alias: { lr: 0.001, batch: 64 }. */
export type GridCell = Record<string, string | number | boolean>;

/** One run a group will queue. */
export interface GroupMemberPlan {
  seed: number;
  cell: GridCell;
  config: ExperimentConfig;
}

/** The cell's key: its parameters in the grid's order, as `lr=0.001 batch=64` ('' for a seeds-only group). */
export const cellKey = (cell: GridCell) =>
  Object.entries(cell)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/**
 * The alias the grid's parameter is shown by: `training.learningRate` and `lr` are both `lr`. Own keys only:
 * `constructor` or `toString` are no parameter of ours, whatever Object.prototype holds.
 */
export const gridAlias = (parameter: string): string =>
  Object.hasOwn(GRID_PARAMETERS, parameter)
    ? parameter
    : Object.hasOwn(PATH_TO_ALIAS, parameter)
      ? PATH_TO_ALIAS[parameter]
      : parameter;

function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const copy = { ...target };
  copy[head] =
    rest.length === 0 ? value : setPath((target[head] ?? {}) as Record<string, unknown>, rest.join('.'), value);
  return copy;
}

/**
 * The runs a group request stands for, or the field errors that make it impossible: an unknown parameter,
 * a value its config field refuses (`grid.lr[1]: must be greater than 0`), a repeated value, too many runs.
 */
export function planGroup(
  request: ParsedCreateGroupRequest,
  maxRuns: number,
): { ok: true; members: GroupMemberPlan[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const axes: { alias: string; path: string; values: (string | number | boolean)[] }[] = [];
  for (const [parameter, values] of Object.entries(request.grid ?? {})) {
    const alias = gridAlias(parameter);
    const path = Object.hasOwn(GRID_PARAMETERS, alias) ? GRID_PARAMETERS[alias as GridAlias] : undefined;
    if (!path) {
      const hint =
        parameter === 'seed' || parameter === 'training.seed'
          ? 'give seeds in `seeds`'
          : `one of ${Object.keys(GRID_PARAMETERS).join(', ')} (or their config paths)`;
      errors.push({ field: `grid.${parameter}`, message: `unknown parameter: ${hint}` });
      continue;
    }
    if (axes.some((axis) => axis.path === path)) {
      errors.push({ field: `grid.${parameter}`, message: `given twice (as ${alias} and ${path})` });
      continue;
    }
    if (new Set(values.map(String)).size !== values.length)
      errors.push({ field: `grid.${parameter}`, message: 'must not repeat a value' });
    values.forEach((value, i) => {
      const candidate = ExperimentConfigSchema.safeParse(
        setPath(request.config as unknown as Record<string, unknown>, path, value),
      );
      if (!candidate.success) {
        const own = candidate.error.issues.filter((issue) => issue.path.join('.') === path);
        for (const issue of own.length > 0 ? own : candidate.error.issues)
          errors.push({
            field: `grid.${parameter}[${i}]`,
            message: `${JSON.stringify(value)}: ${issue.message}${own.length > 0 ? '' : ` (${issue.path.join('.')})`}`,
          });
      }
    });
    axes.push({ alias, path, values });
  }
  const seeds = request.seeds ?? [request.config.training.seed];
  const size = axes.reduce((product, axis) => product * axis.values.length, seeds.length);
  if (size > maxRuns) {
    errors.push({
      field: request.grid && Object.keys(request.grid).length > 0 ? 'grid' : 'seeds',
      message: `the group would have ${size} runs (${seeds.length} seeds x ${axes.map((a) => a.values.length).join(' x ') || 1} cells); at most ${maxRuns}`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  let cells: GridCell[] = [{}];
  for (const axis of axes)
    cells = cells.flatMap((cell) => axis.values.map((value) => ({ ...cell, [axis.alias]: value })));
  const members: GroupMemberPlan[] = [];
  for (const cell of cells) {
    let config = request.config as unknown as Record<string, unknown>;
    for (const axis of axes) config = setPath(config, axis.path, cell[axis.alias]);
    for (const seed of seeds) {
      const parsed = ExperimentConfigSchema.safeParse(setPath(config, 'training.seed', seed));
      // Each value was checked alone; a combination can still clash (minLr above lr).
      if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error, `grid(${cellKey(cell)})`) };
      members.push({ seed, cell, config: parsed.data });
    }
  }
  return { ok: true, members };
}

/**
 * `0..4` (inclusive), `0,1,2`, or a mix (`0..2,7`): what the CLI and the New run form accept for seeds.
 */
export function parseSeeds(input: string): number[] | string {
  const seeds: number[] = [];
  for (const part of input
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) return `${part}: the range ends before it starts`;
      if (to - from >= 1000) return `${part}: more than 1000 seeds`;
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else return `${part}: not a seed (a whole number) or a range like 0..4`;
  }
  return seeds.length > 0 ? seeds : 'no seeds given';
}

/** `lr=1e-3,3e-4`: one grid axis, its values as numbers or booleans where they read as such. */
export function parseGridAxis(input: string): [string, (string | number | boolean)[]] | string {
  const match = /^([\w.]+)=(.+)$/.exec(input.trim());
  if (!match) return `${input}: expected name=value,value (for example lr=1e-3,3e-4)`;
  const values = match[2]
    .split(',')
    .map((raw) => raw.trim())
    .filter(Boolean)
    .map((raw) =>
      raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw,
    );
  return values.length > 0 ? [match[1], values] : `${input}: no values`;
}

const isoDate = z.string().describe('ISO 8601 timestamp');

export const GroupRunDtoSchema = RunDtoSchema.extend({
  seed: z.number().int(),
  cell: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .describe("the grid's values for this run, by alias"),
});
export type GroupRunDto = z.infer<typeof GroupRunDtoSchema>;

const MeanStd = z.object({ mean: z.number().nullable(), std: z.number().nullable(), n: z.number().int() });

export const GroupCellDtoSchema = z.object({
  key: z.string().describe("the cell's parameters as `lr=0.001 batch=64`; '' when the group has no grid"),
  cell: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  runIds: z.array(z.string()),
  bestValAccuracy: MeanStd,
  testAccuracy: MeanStd,
  best: z.boolean().describe('the cell with the highest mean best-validation accuracy'),
});
export type GroupCellDto = z.infer<typeof GroupCellDtoSchema>;

export const GroupDtoSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  createdAt: isoDate,
  config: ExperimentConfigSchema.describe('the config every run shares, before seeds and the grid are applied'),
  seeds: z.array(z.number().int()),
  grid: z.record(z.string(), z.array(z.union([z.string(), z.number(), z.boolean()]))).describe('by alias'),
  counts: z.record(z.string(), z.number().int()).describe('runs by status'),
  runs: z.array(GroupRunDtoSchema),
  cells: z.array(GroupCellDtoSchema),
});
export type GroupDto = z.infer<typeof GroupDtoSchema>;

export const GroupSummaryDtoSchema = GroupDtoSchema.omit({ runs: true, cells: true }).extend({
  size: z.number().int(),
});
export type GroupSummaryDto = z.infer<typeof GroupSummaryDtoSchema>;
/** `GET /api/groups`: the team's groups, newest first. */
export const GroupListDtoSchema = z.object({ items: z.array(GroupSummaryDtoSchema) });
export type GroupListDto = z.infer<typeof GroupListDtoSchema>;
