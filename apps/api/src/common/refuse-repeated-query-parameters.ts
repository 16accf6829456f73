import type { ErrorDto } from '@gradlab/contracts';
import type { NextFunction, Request, Response } from 'express';

/**
 * At the edge of every route: a query parameter given more than once (`?runs=a&runs=b`) is refused with a
 * 400 naming it, before any route reads it as a string. Lists go comma-separated in one parameter
 * (`?runs=a,b`), as the README and the OpenAPI document give them.
 */
export function refuseRepeatedQueryParameters(request: Request, response: Response, next: NextFunction): void {
  const repeated = Object.entries(request.query).find(([, value]) => typeof value !== 'string');
  if (!repeated) return next();
  const [field, value] = repeated;
  const message = Array.isArray(value) ? `given ${value.length} times; give it once (a list is comma-separated: ?${field}=a,b)` : 'must be a plain value';
  const body: ErrorDto = { statusCode: 400, code: 'VALIDATION_FAILED', message: `invalid query: ${field}: ${message}`, errors: [{ field, message }] };
  response.status(400).json(body);
}
