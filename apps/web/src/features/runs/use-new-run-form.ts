'use client';

import { CreateRunRequestSchema, type FieldError } from '@gradlab/contracts';
import { answerOf, ApiError } from '@gradlab/api-client';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { groupFields } from '../../lib/group-request';
import {
  checkNewRun,
  flatErrors,
  newRunFields,
  toRequest,
  type NewRunFields,
  type NewRunSubmission,
} from '../../lib/new-run-fields';
import { queryKeys } from '../../lib/query-keys';
import { useApiQuery } from '../../lib/use-api-query';
import { useDurationEstimate } from './use-duration-estimate';
import { useSubmitRun } from './use-submit-run';

/**
 * The New run form's state: its fields (from another run's config with `?from=ID`, "Clone and edit"), their
 * errors (the form's own and the api's), the duration of what it says now, the group it would submit, and
 * the submission, which goes to the new run's or group's page.
 */
export function useNewRunForm() {
  const router = useRouter();
  const cloneOf = useSearchParams().get('from');
  const form = useForm<NewRunFields, unknown, NewRunSubmission>({
    resolver: checkNewRun,
    defaultValues: newRunFields(),
  });
  const { control, reset, handleSubmit, setError, formState } = form;
  const values = useWatch({ control }) as NewRunFields;

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
  const estimate = useDurationEstimate(estimateRequest);

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

  const planned = groupFields(values.seeds, values.grid);
  const groupSize =
    planned.group && planned.errors.length === 0
      ? (planned.seeds?.length ?? 1) * Object.values(planned.grid ?? {}).reduce((n, v) => n * v.length, 1)
      : null;
  return {
    form,
    values,
    clone: cloneOf ? { id: cloneOf, run: source.data, error: source.error } : null,
    estimate,
    errors: [...flatErrors(formState.errors), ...apiErrors],
    submit,
    submitting: formState.isSubmitting || formState.isSubmitSuccessful,
    groupSize,
  };
}
