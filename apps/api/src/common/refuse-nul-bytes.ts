import { NO_NUL_MESSAGE, type ErrorDto } from '@gradlab/contracts';
import type { NextFunction, Request, Response } from 'express';

/** The dotted path of the first string in `value` that holds a NUL character, or null. */
function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(root)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found = key.includes('\u0000')
        ? path
          ? `${path}.${key}`
          : key
        : findNul(child, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/**
 * At the edge of every REST route: a NUL character in a JSON body or the query string is refused with a
 * 400 naming the field. Postgres text cannot hold one, and no field of ours means one.
 */
export function refuseNulBytes(request: Request, response: Response, next: NextFunction): void {
  const field = findNul(request.query) ?? (request.is('application/json') ? findNul(request.body) : null);
  if (!field) return next();
  const body: ErrorDto = {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: `invalid input: ${field}: ${NO_NUL_MESSAGE}`,
    errors: [{ field, message: NO_NUL_MESSAGE }],
  };
  response.status(400).json(body);
}
