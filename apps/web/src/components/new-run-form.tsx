'use client';

import {
  BLOCK_TYPES,
  CreateRunRequestSchema,
  DATASETS,
  ExperimentConfigSchema,
  GRID_PARAMETERS,
  toFieldErrors,
  type DurationEstimateDto,
  type ExperimentConfig,
  type FieldError,
  type GroupDto,
  type RunDto,
} from '@gradlab/contracts';
import { BLOCK_TYPE_LABELS } from '@gradlab/figures';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, ApiUnreachableError, apiFetch } from '../lib/api-client';
import { useApi } from '../lib/api-context';
import { formatDuration } from '../lib/format';
import { groupFields } from '../lib/group-request';
import { RUN_PRESETS } from '../lib/run-presets';
import { useApiQuery } from '../lib/use-api-query';

/** The estimate is asked again this long after the last keystroke. */
const ESTIMATE_DEBOUNCE_MS = 400;

/** The framework's defaults, from the contract itself: the form starts from what an empty request gets. */
const DEFAULTS = ExperimentConfigSchema.parse({});
const shown = (value: string | number | undefined) => (value === undefined ? '' : String(value));

/** Every field of the form, as typed; empty means "the framework's default". */
const FIELDS = {
  'config.model.numFilters': { label: 'Filters', kind: 'int', initial: shown(DEFAULTS.model.numFilters) },
  'config.model.numStages': { label: 'Stages', kind: 'int', initial: shown(DEFAULTS.model.numStages) },
  'config.model.numBlocksPerStage': { label: 'Blocks per stage', kind: 'int', initial: shown(DEFAULTS.model.numBlocksPerStage) },
  'config.model.blockType': { label: 'Block type', kind: 'select', initial: shown(DEFAULTS.model.blockType) },
  'config.training.epochs': { label: 'Epochs', kind: 'int', initial: shown(DEFAULTS.training.epochs) },
  'config.training.batchSize': { label: 'Batch size', kind: 'int', initial: shown(DEFAULTS.training.batchSize) },
  'config.training.learningRate': { label: 'Learning rate', kind: 'number', initial: shown(DEFAULTS.training.learningRate) },
  'config.training.minLearningRate': { label: 'Min. learning rate (cosine floor)', kind: 'number', initial: shown(DEFAULTS.training.minLearningRate) },
  'config.training.weightDecay': { label: 'Weight decay', kind: 'number', initial: shown(DEFAULTS.training.weightDecay) },
  'config.training.seed': { label: 'Seed', kind: 'int', initial: shown(DEFAULTS.training.seed) },
  'config.data.dataset': { label: 'Dataset', kind: 'select', initial: shown(DEFAULTS.data.dataset) },
  'config.data.trainLimit': { label: 'Train images (empty: all)', kind: 'int', initial: shown(DEFAULTS.data.trainLimit) },
  'config.data.valLimit': { label: 'Validation images (empty: all)', kind: 'int', initial: shown(DEFAULTS.data.valLimit) },
  'config.data.testLimit': { label: 'Test images (empty: all)', kind: 'int', initial: shown(DEFAULTS.data.testLimit) },
} as const;
type FieldName = keyof typeof FIELDS;

const OPTIONS: Partial<Record<FieldName, readonly string[]>> = { 'config.model.blockType': BLOCK_TYPES, 'config.data.dataset': DATASETS };
const GROUPS: { legend: string; fields: FieldName[] }[] = [
  { legend: 'Network', fields: ['config.model.numFilters', 'config.model.numStages', 'config.model.numBlocksPerStage', 'config.model.blockType'] },
  {
    legend: 'Training',
    fields: [
      'config.training.epochs',
      'config.training.batchSize',
      'config.training.learningRate',
      'config.training.minLearningRate',
      'config.training.weightDecay',
      'config.training.seed',
    ],
  },
  { legend: 'Data', fields: ['config.data.dataset', 'config.data.trainLimit', 'config.data.valLimit', 'config.data.testLimit'] },
];

/** Form values to a request body: numbers parsed, blanks left to the defaults; text that is no number is named. */
function toRequest(name: string, values: Record<FieldName, string>, augment: boolean): { body: unknown; notNumbers: FieldError[] } {
  const config: Record<string, Record<string, unknown>> = { model: {}, training: {}, data: { augment } };
  const notNumbers: FieldError[] = [];
  for (const field of Object.keys(FIELDS) as FieldName[]) {
    const raw = values[field].trim();
    if (raw === '') continue;
    const [, group, key] = field.split('.');
    const value = FIELDS[field].kind === 'select' ? raw : Number(raw);
    if (typeof value === 'number' && !Number.isFinite(value)) notNumbers.push({ field, message: `"${raw}" is not a number` });
    config[group][key] = value;
  }
  return { body: { ...(name.trim() ? { name: name.trim() } : {}), config }, notNumbers };
}

/** A stored config as form values: every field filled, limits left empty when the run used all the data. */
function configToValues(config: ExperimentConfig): Record<FieldName, string> {
  const values = {} as Record<FieldName, string>;
  for (const field of Object.keys(FIELDS) as FieldName[]) {
    const [, group, key] = field.split('.') as [string, keyof ExperimentConfig, string];
    const value = (config[group] as Record<string, unknown>)[key];
    values[field] = value === undefined || value === null ? '' : String(value);
  }
  return values;
}

function describeEstimate(estimate: DurationEstimateDto): string {
  if (estimate.totalMs === null || estimate.epochMs === null) return 'No worker has measured an epoch yet, so the duration is not known.';
  const basis =
    estimate.basis === 'same-network'
      ? `measured on this network (${estimate.epochsMeasured} epochs)`
      : `scaled from ${estimate.epochsMeasured} epochs of other networks by their size`;
  return `About ${formatDuration(estimate.totalMs)} of training (${formatDuration(estimate.epochMs)} an epoch on one worker), ${basis}.`;
}

export function NewRunForm() {
  const router = useRouter();
  const { apiUrl, me } = useApi();
  const cloneOf = useSearchParams().get('from');
  const [name, setName] = useState('');
  const [values, setValues] = useState(() => Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, f.initial])) as Record<FieldName, string>);
  const [augment, setAugment] = useState(DEFAULTS.data.augment);
  // A group: several seeds and/or a grid; both empty, a single run.
  const [seedsText, setSeedsText] = useState('');
  const [gridText, setGridText] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const [estimate, setEstimate] = useState<{ request: string; value: DurationEstimateDto | null } | null>(null);

  // "Clone and edit": the form starts from another run's config.
  // Adjusted while rendering, once per loaded run (React's way to reset state from changed data, no effect).
  const source = useApiQuery(cloneOf ? `clone:${cloneOf}` : null, (fetchJson) => fetchJson<RunDto>(`/runs/${cloneOf}`));
  const [clonedFrom, setClonedFrom] = useState<RunDto | undefined>();
  if (source.data && source.data !== clonedFrom) {
    setClonedFrom(source.data);
    setValues(configToValues(source.data.config));
    setAugment(source.data.config.data.augment);
    setName(`${source.data.name} (edited)`.slice(0, 200));
  }

  // The duration of what the form says now, from the throughput workers have measured: asked for a valid
  // config only, and shown only while it is the config the form holds.
  const estimateRequest = useMemo(() => {
    const { body, notNumbers } = toRequest('', values, augment);
    return CreateRunRequestSchema.safeParse(body).success && notNumbers.length === 0 ? JSON.stringify({ config: (body as { config: unknown }).config }) : null;
  }, [values, augment]);
  useEffect(() => {
    if (!me || estimateRequest === null) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      apiFetch<DurationEstimateDto>(apiUrl, '/runs/estimate', { method: 'POST', body: estimateRequest })
        .then((value) => !cancelled && setEstimate({ request: estimateRequest, value }))
        .catch(() => !cancelled && setEstimate({ request: estimateRequest, value: null }));
    }, ESTIMATE_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [apiUrl, me, estimateRequest]);
  const shownEstimate = estimate && estimate.request === estimateRequest ? estimate.value : null;

  const set = (field: FieldName, value: string) => setValues((v) => ({ ...v, [field]: value }));
  const errorOf = (field: string) =>
    errors
      .filter((e) => e.field === field)
      .map((e) => e.message)
      .join('; ');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitError(null);
    const { body, notNumbers } = toRequest(name, values, augment);
    // The contract the api enforces, checked here first so each message sits next to its field.
    const parsed = CreateRunRequestSchema.safeParse(body);
    if (!parsed.success || notNumbers.length) {
      const contractErrors = parsed.success ? [] : toFieldErrors(parsed.error).filter((e) => !notNumbers.some((n) => n.field === e.field));
      setErrors([...notNumbers, ...contractErrors]);
      return;
    }
    const group = groupFields(seedsText, gridText);
    if (group.group && group.errors.length) {
      setErrors(group.errors);
      return;
    }
    setErrors([]);
    setSubmitting(true);
    try {
      if (group.group) {
        const request = { ...(body as object), ...(group.seeds ? { seeds: group.seeds } : {}), ...(group.grid ? { grid: group.grid } : {}) };
        const created = await apiFetch<GroupDto>(apiUrl, '/groups', { method: 'POST', body: JSON.stringify(request) });
        router.push(`/groups/${created.id}`);
        return;
      }
      const run = await apiFetch<RunDto>(apiUrl, '/runs', { method: 'POST', body: JSON.stringify(body) });
      router.push(`/runs/${run.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length) setErrors(e.fieldErrors);
      setSubmitError(e instanceof ApiUnreachableError || e instanceof ApiError ? e.message : `could not submit: ${(e as Error).message}`);
      setSubmitting(false);
    }
  };

  const groupErrorOf = (field: 'seeds' | 'grid') =>
    errors
      .filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}(`))
      .map((e) => (e.field === field ? e.message : `${e.field}: ${e.message}`))
      .join('; ');
  const unplaced = errors.filter((e) => !(e.field in FIELDS) && e.field !== 'name' && !/^(seeds|grid)\b/.test(e.field));
  const planned = groupFields(seedsText, gridText);
  const groupSize =
    planned.group && planned.errors.length === 0
      ? (planned.seeds?.length ?? 1) * Object.values(planned.grid ?? {}).reduce((n, values) => n * values.length, 1)
      : null;
  return (
    <section>
      <h1>New run</h1>
      {cloneOf && source.data && (
        <p className="muted">
          Starting from the config of <Link href={`/runs/${cloneOf}`}>{source.data.name}</Link>.
        </p>
      )}
      {source.error && <p className="error">Could not load the run to clone: {source.error.message}</p>}
      <div className="presets" role="group" aria-label="Presets">
        {RUN_PRESETS.map((preset) => (
          <button
            key={preset.label}
            type="button"
            onClick={() => {
              set('config.model.numBlocksPerStage', String(preset.numBlocksPerStage));
              set('config.model.blockType', preset.blockType);
              set('config.model.numFilters', '32');
              set('config.model.numStages', '3');
              if (!name.trim() || RUN_PRESETS.some((p) => name.startsWith(p.label))) setName(`${preset.label} seed ${values['config.training.seed'] || 0}`);
            }}
          >
            {preset.label}
          </button>
        ))}
      </div>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Run</legend>
          <label>
            Name (empty: made from the architecture and seed)
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} aria-describedby="error-name" />
            <span className="field-error" id="error-name">
              {errorOf('name')}
            </span>
          </label>
        </fieldset>
        {GROUPS.map((group) => (
          <fieldset key={group.legend}>
            <legend>{group.legend}</legend>
            <div className="grid">
              {group.fields.map((field) => {
                const spec = FIELDS[field];
                const options = OPTIONS[field];
                return (
                  <label key={field}>
                    {spec.label}
                    {options ? (
                      <select name={field} value={values[field]} onChange={(e) => set(field, e.target.value)}>
                        {options.map((o) => (
                          <option key={o} value={o}>
                            {field === 'config.model.blockType' ? `${BLOCK_TYPE_LABELS[o as keyof typeof BLOCK_TYPE_LABELS]} (${o})` : o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        name={field}
                        inputMode={spec.kind === 'int' ? 'numeric' : 'decimal'}
                        value={values[field]}
                        onChange={(e) => set(field, e.target.value)}
                        aria-invalid={!!errorOf(field)}
                        aria-describedby={`error-${field}`}
                      />
                    )}
                    <span className="field-error" id={`error-${field}`} data-testid={`error-${field}`}>
                      {errorOf(field)}
                    </span>
                  </label>
                );
              })}
              {group.legend === 'Data' && (
                <label className="row" style={{ flexDirection: 'row' }}>
                  <input type="checkbox" checked={augment} onChange={(e) => setAugment(e.target.checked)} /> Augment (random crop and flip)
                </label>
              )}
            </div>
          </fieldset>
        ))}
        <fieldset>
          <legend>Seeds and grid (optional: a group of runs)</legend>
          <div className="grid">
            <label>
              Seeds (e.g. 0..4 or 0,1,2; empty: the seed above)
              <input
                name="seeds"
                value={seedsText}
                onChange={(e) => setSeedsText(e.target.value)}
                placeholder="0..4"
                aria-invalid={!!groupErrorOf('seeds')}
                aria-describedby="error-seeds"
              />
              <span className="field-error" id="error-seeds" data-testid="error-seeds">
                {groupErrorOf('seeds')}
              </span>
            </label>
            <label>
              Grid: one parameter a line, name=value,value ({Object.keys(GRID_PARAMETERS).join(', ')})
              <textarea
                name="grid"
                rows={3}
                value={gridText}
                onChange={(e) => setGridText(e.target.value)}
                placeholder={'lr=1e-3,3e-4\nbatch=64,128'}
                aria-invalid={!!groupErrorOf('grid')}
                aria-describedby="error-grid"
              />
              <span className="field-error" id="error-grid" data-testid="error-grid">
                {groupErrorOf('grid')}
              </span>
            </label>
          </div>
          {groupSize !== null && (
            <p className="muted" data-testid="group-size">
              A group of {groupSize} run{groupSize === 1 ? '' : 's'}: every seed in every cell of the grid.
            </p>
          )}
        </fieldset>
        {unplaced.map((e) => (
          <p key={e.field} className="field-error">
            {e.field}: {e.message}
          </p>
        ))}
        <p className="estimate" data-testid="estimate">
          {shownEstimate ? describeEstimate(shownEstimate) : 'Estimating the duration…'}
        </p>
        {submitError && (
          <p className="error" role="alert">
            {submitError}
          </p>
        )}
        <button type="submit" className="primary" disabled={submitting}>
          {submitting ? 'Submitting…' : groupSize !== null ? `Submit group (${groupSize} runs)` : 'Submit run'}
        </button>
      </form>
    </section>
  );
}
