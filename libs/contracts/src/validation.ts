import { z } from 'zod';

/** One problem with one field of a request, the field named by its dotted path. */
export interface FieldError {
  field: string;
  message: string;
}

export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || '(root)';
    return { field, message: issue.message };
  });
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): ParseResult<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error, prefix) };
}

/** Postgres text cannot hold NUL (\u0000): such input is refused by name instead of failing in the database. */
export const NO_NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';

/** Text a person types (names, searches): a string with no NUL character in it. */
export const text = () => z.string().refine((value) => !value.includes('\u0000'), NO_NUL_MESSAGE);
