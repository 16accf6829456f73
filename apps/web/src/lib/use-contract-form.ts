'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import {
  get,
  useForm,
  type DefaultValues,
  type FieldValues,
  type Path,
  type UseFormReturn,
  type UseFormSetError,
} from 'react-hook-form';
import type { z } from 'zod';
import { ApiError } from '@gradlab/api-client';

export interface ContractForm<Input extends FieldValues, Output> {
  form: UseFormReturn<Input, unknown, Output>;
  /** The submit handler: `send` gets the request as the schema parsed it, and only when it is valid. */
  onSubmit(send: (request: Output) => Promise<void>): (event?: React.BaseSyntheticEvent) => Promise<void>;
  /** The message for a field (dotted path), from the schema or from the api. */
  errorOf(field: string): string | undefined;
  /** What failed that is no one field's: the api's answer, or that it could not be reached. */
  formError: string | undefined;
}

/**
 * A form over one of the contracts' request schemas (react-hook-form with the zod resolver): the browser
 * checks what the api will check, so each message sits by its field before anything is sent. The api's own
 * field errors (a taken name, a team that does not exist) land by their fields too.
 */
export function useContractForm<Input extends FieldValues, Output>(
  schema: z.ZodType<Output, Input>,
  defaultValues: DefaultValues<Input>,
): ContractForm<Input, Output> {
  const form = useForm<Input, unknown, Output>({ resolver: zodResolver(schema), defaultValues });
  const onSubmit = (send: (request: Output) => Promise<void>) =>
    form.handleSubmit(async (request) => {
      try {
        await send(request);
      } catch (e) {
        showApiError(form.setError, e);
      }
    });
  const errorOf = (field: string) => (get(form.formState.errors, field) as { message?: string } | undefined)?.message;
  return { form, onSubmit, errorOf, formError: form.formState.errors.root?.message };
}

/** A failed request on the form: each named field's message by the field, the api's message for the form. */
export function showApiError<Input extends FieldValues>(setError: UseFormSetError<Input>, error: unknown): void {
  if (error instanceof ApiError)
    for (const { field, message } of error.fieldErrors) setError(field as Path<Input>, { type: 'server', message });
  setError('root', { type: 'server', message: (error as Error).message });
}
