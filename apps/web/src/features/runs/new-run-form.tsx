'use client';

import {
  CreateRunRequestSchema,
  DATASETS,
  GRID_PARAMETERS,
  type DurationEstimateDto,
  type FieldError,
} from '@gradlab/contracts';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { answerOf, ApiError } from '@gradlab/api-client';
import { formatDuration } from '../../lib/format';
import { groupFields } from '../../lib/group-request';
import {
  checkNewRun,
  FIELDS,
  flatErrors,
  newRunFields,
  toRequest,
  type FieldName,
  type NewRunFields,
  type NewRunSubmission,
} from '../../lib/new-run-fields';
import { RUN_PRESETS } from '../../lib/run-presets';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { BlockSelect } from '../blocks/block-select';
import { useDurationEstimate } from './use-duration-estimate';
import { useSubmitRun } from './use-submit-run';
import { FormError, SubmitButton } from '../../components/form-controls';

const OPTIONS: Partial<Record<FieldName, readonly string[]>> = {
  'config.data.dataset': DATASETS,
};
const GROUPS: { legend: string; fields: FieldName[] }[] = [
  {
    legend: 'Network',
    fields: [
      'config.model.numFilters',
      'config.model.numStages',
      'config.model.numBlocksPerStage',
      'config.model.blockType',
    ],
  },
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
  {
    legend: 'Data',
    fields: ['config.data.dataset', 'config.data.trainLimit', 'config.data.valLimit', 'config.data.testLimit'],
  },
];

function describeEstimate(estimate: DurationEstimateDto): string {
  const gpu = estimate.waitsForGpu
    ? ' Too long for a CPU worker: it waits for a GPU worker (one was seen lately).'
    : '';
  if (estimate.totalMs === null || estimate.epochMs === null)
    return `No ${estimate.pool ? `${estimate.pool} ` : ''}worker has measured an epoch yet, so the duration is not known.${gpu}`;
  const basis =
    estimate.basis === 'same-network'
      ? `measured on this network (${estimate.epochsMeasured} epochs)`
      : `scaled from ${estimate.epochsMeasured} epochs of other networks by their size`;
  const worker = estimate.backend ? `one ${estimate.backend} worker` : 'one worker';
  const pool = estimate.pool ? ` of the ${estimate.pool} pool` : '';
  return `About ${formatDuration(estimate.totalMs)} of training (${formatDuration(estimate.epochMs)} an epoch on ${worker}${pool}), ${basis}.${gpu}`;
}

export function NewRunForm() {
  const router = useRouter();
  const cloneOf = useSearchParams().get('from');
  const { register, handleSubmit, control, reset, setValue, getValues, setError, formState } = useForm<
    NewRunFields,
    unknown,
    NewRunSubmission
  >({
    resolver: checkNewRun,
    defaultValues: newRunFields(),
  });
  const values = useWatch({ control }) as NewRunFields;

  // "Clone and edit": the form starts from another run's config.
  const source = useApiQuery(cloneOf ? queryKeys.runToClone(cloneOf) : null, (api) =>
    answerOf(api.GET('/api/runs/{id}', { params: { path: { id: cloneOf ?? '' } } })),
  );
  useEffect(() => {
    if (source.data) reset(newRunFields(source.data));
  }, [source.data, reset]);

  // The duration of what the form says now, from the throughput workers have measured: asked for a valid
  // config only, and shown only while it is the config the form holds.
  const estimateRequest = useMemo(() => {
    const { body, notNumbers } = toRequest({ ...values, name: '' });
    return CreateRunRequestSchema.safeParse(body).success && notNumbers.length === 0
      ? JSON.stringify({ config: (body as { config: unknown }).config })
      : null;
  }, [values]);
  const shownEstimate = useDurationEstimate(estimateRequest);

  // The api's own field errors, as it sent them: its paths (grid.lr[1], a grid cell's config) are not all
  // fields of this form.
  const [apiErrors, setApiErrors] = useState<FieldError[]>([]);
  const submitRun = useSubmitRun();
  const submit = handleSubmit(async (submission) => {
    setApiErrors([]);
    try {
      router.push(await submitRun.mutateAsync(submission));
    } catch (e) {
      setApiErrors(e instanceof ApiError ? e.fieldErrors : []);
      setError('root', { type: 'server', message: (e as Error).message });
    }
  });

  const errors = [...flatErrors(formState.errors), ...apiErrors];
  const errorOf = (field: string) =>
    errors
      .filter((e) => e.field === field)
      .map((e) => e.message)
      .join('; ');
  const groupErrorOf = (field: 'seeds' | 'grid') =>
    errors
      .filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}(`))
      .map((e) => (e.field === field ? e.message : `${e.field}: ${e.message}`))
      .join('; ');
  const unplaced = errors.filter((e) => !(e.field in FIELDS) && e.field !== 'name' && !/^(seeds|grid)\b/.test(e.field));
  const submitting = formState.isSubmitting || formState.isSubmitSuccessful;
  const planned = groupFields(values.seeds, values.grid);
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
              setValue('config.model.numBlocksPerStage', String(preset.numBlocksPerStage));
              setValue('config.model.blockType', preset.blockType);
              setValue('config.model.numFilters', '32');
              setValue('config.model.numStages', '3');
              const name = getValues('name');
              if (!name.trim() || RUN_PRESETS.some((p) => name.startsWith(p.label)))
                setValue('name', `${preset.label} seed ${getValues('config.training.seed') || 0}`);
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
            <input {...register('name')} aria-describedby="error-name" />
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
                    {field === 'config.model.blockType' ? (
                      <BlockSelect field={register(field)} value={values.config?.model?.blockType} />
                    ) : options ? (
                      <select {...register(field)}>
                        {options.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        {...register(field)}
                        inputMode={spec.kind === 'int' ? 'numeric' : 'decimal'}
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
                  <input type="checkbox" {...register('augment')} /> Augment (random crop and flip)
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
                {...register('seeds')}
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
                {...register('grid')}
                rows={3}
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
        <FormError error={formState.errors.root?.message} />
        <SubmitButton
          label={submitting ? 'Submitting…' : groupSize !== null ? `Submit group (${groupSize} runs)` : 'Submit run'}
          busy={submitting}
        />
      </form>
    </section>
  );
}
