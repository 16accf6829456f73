import type { ErrorDto } from '@gradlab/contracts';
import type { NextFunction, Request, Response } from 'express';

/**
 * At the edge of every route: a query parameter given more than once (`?runs=a&runs=b`) is refused with a
 * 400 naming it, before any route reads it as a string. Lists go comma-separated in one parameter
 * (`?runs=a,b`), as the README and the OpenAPI document give them.
 */
export function refuseRepeatedQueryParameters(request: Request, response: Response, next: NextFunction): void {
  // Express 5's query parser gives a string per parameter, or an array of them for a repeated one.
  const repeated = Object.entries(request.query).find((entry): entry is [string, string[]] => Array.isArray(entry[1]));
  if (!repeated) return next();
  const [field, values] = repeated;
  const message = `given ${values.length} times; give it once (a list is comma-separated: ?${field}=a,b)`;
  const body: ErrorDto = {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: `invalid query: ${field}: ${message}`,
    errors: [{ field, message }],
  };
  response.status(400).json(body);
}
