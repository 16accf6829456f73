'use client';

import { DATASETS, GRID_PARAMETERS, type DurationEstimateDto } from '@gradlab/contracts';
import Link from 'next/link';
import type { UseFormReturn } from 'react-hook-form';
import { formatDuration } from '../../lib/format';
import { FIELDS, type FieldName, type NewRunFields, type NewRunSubmission } from '../../lib/new-run-fields';
import { RUN_PRESETS } from '../../lib/run-presets';
import { BlockSelect } from '../blocks/block-select';
import { useNewRunForm } from './use-new-run-form';
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

type Form = UseFormReturn<NewRunFields, unknown, NewRunSubmission>;
/** A field's messages, joined; empty while it is fine. */
type ErrorOf = (field: string) => string;

/** The course's networks in one click: the depth and block set, and a name made from them while it is not the user's. */
function Presets({ form }: { form: Form }) {
  const { setValue, getValues } = form;
  return (
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
  );
}

/** One fieldset of the config: each field with its message under it. */
function ConfigFields(props: {
  legend: string;
  fields: FieldName[];
  form: Form;
  blockType?: string;
  errorOf: ErrorOf;
}) {
  const { legend, fields, form, blockType, errorOf } = props;
  const { register } = form;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="grid">
        {fields.map((field) => {
          const spec = FIELDS[field];
          const options = OPTIONS[field];
          return (
            <label key={field}>
              {spec.label}
              {field === 'config.model.blockType' ? (
                <BlockSelect field={register(field)} value={blockType} />
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
        {legend === 'Data' && (
          <label className="row" style={{ flexDirection: 'row' }}>
            <input type="checkbox" {...form.register('augment')} /> Augment (random crop and flip)
          </label>
        )}
      </div>
    </fieldset>
  );
}

/** Seeds and a grid: a group of runs, its size said as it is typed. */
function SeedsAndGrid({ form, errorOf, groupSize }: { form: Form; errorOf: ErrorOf; groupSize: number | null }) {
  const { register } = form;
  return (
    <fieldset>
      <legend>Seeds and grid (optional: a group of runs)</legend>
      <div className="grid">
        <label>
          Seeds (e.g. 0..4 or 0,1,2; empty: the seed above)
          <input
            {...register('seeds')}
            placeholder="0..4"
            aria-invalid={!!errorOf('seeds')}
            aria-describedby="error-seeds"
          />
          <span className="field-error" id="error-seeds" data-testid="error-seeds">
            {errorOf('seeds')}
          </span>
        </label>
        <label>
          Grid: one parameter a line, name=value,value ({Object.keys(GRID_PARAMETERS).join(', ')})
          <textarea
            {...register('grid')}
            rows={3}
            placeholder={'lr=1e-3,3e-4\nbatch=64,128'}
            aria-invalid={!!errorOf('grid')}
            aria-describedby="error-grid"
          />
          <span className="field-error" id="error-grid" data-testid="error-grid">
            {errorOf('grid')}
          </span>
        </label>
      </div>
      {groupSize !== null && (
        <p className="muted" data-testid="group-size">
          A group of {groupSize} run{groupSize === 1 ? '' : 's'}: every seed in every cell of the grid.
        </p>
      )}
    </fieldset>
  );
}

export function NewRunForm() {
  const { form, values, clone, estimate, errors, submit, submitting, groupSize } = useNewRunForm();
  const errorOf = (field: string) =>
    errors
      .filter((e) => e.field === field)
      .map((e) => e.message)
      .join('; ');
  // seeds and grid gather their items' messages (seeds[2], grid.lr[1], a grid cell's config)
  const groupErrorOf = (field: string) =>
    errors
      .filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}(`))
      .map((e) => (e.field === field ? e.message : `${e.field}: ${e.message}`))
      .join('; ');
  const unplaced = errors.filter((e) => !(e.field in FIELDS) && e.field !== 'name' && !/^(seeds|grid)\b/.test(e.field));
  return (
    <section>
      <h1>New run</h1>
      {clone?.run && (
        <p className="muted">
          Starting from the config of <Link href={`/runs/${clone.id}`}>{clone.run.name}</Link>.
        </p>
      )}
      {clone?.error && <p className="error">Could not load the run to clone: {clone.error.message}</p>}
      <Presets form={form} />
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Run</legend>
          <label>
            Name (empty: made from the architecture and seed)
            <input {...form.register('name')} aria-describedby="error-name" />
            <span className="field-error" id="error-name">
              {errorOf('name')}
            </span>
          </label>
        </fieldset>
        {GROUPS.map((group) => (
          <ConfigFields
            key={group.legend}
            {...group}
            form={form}
            blockType={values.config?.model?.blockType}
            errorOf={errorOf}
          />
        ))}
        <SeedsAndGrid form={form} errorOf={groupErrorOf} groupSize={groupSize} />
        {unplaced.map((e) => (
          <p key={e.field} className="field-error">
            {e.field}: {e.message}
          </p>
        ))}
        <p className="estimate" data-testid="estimate">
          {estimate ? describeEstimate(estimate) : 'Estimating the duration…'}
        </p>
        <FormError error={form.formState.errors.root?.message} />
        <SubmitButton
          label={submitting ? 'Submitting…' : groupSize !== null ? `Submit group (${groupSize} runs)` : 'Submit run'}
          busy={submitting}
        />
      </form>
    </section>
  );
}
