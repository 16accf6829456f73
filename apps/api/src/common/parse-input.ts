import { parseWith } from '@gradlab/contracts';
import type { z } from 'zod';
import { DomainError } from './domain-error';

/** Validates request input with a contract schema, or throws VALIDATION_FAILED naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = parseWith(schema, input ?? {});
  if (!result.ok) {
    const fields = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new DomainError('VALIDATION_FAILED', `invalid ${what}: ${fields}`, result.errors);
  }
  return result.value;
}
