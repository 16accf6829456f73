import { Body, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { z } from 'zod';
import { DomainError } from '../common/domain-error';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

/**
 * A route's contract, said once where the route is declared: the decorators below validate the request with a
 * zod schema and record the schema, so that `buildOpenApiDocument` documents every route from its handler.
 * A route added with `@ValidBody(Schema)` is in `/api/docs-json` with no other edit.
 */
const API_ROUTE = 'gradlab:api-route';

/**
 * A response: for an error status, its description (the body is the Error contract); for a success, its
 * description with the zod schema of its JSON body, or with a raw OpenAPI content map (files, bytes).
 */
export type ResponseDoc =
  string | [description: string, schema: z.ZodType] | { description: string; content: Record<string, unknown> };

export interface RouteDoc {
  summary?: string;
  responses?: Record<number, ResponseDoc>;
  body?: z.ZodType;
  /** A body that is not JSON (multipart, bytes): its OpenAPI requestBody as written. */
  rawBody?: Record<string, unknown>;
  query?: z.ZodType;
  /**
   * Path, header and single query parameters by name, a JSON Schema each (a path parameter not named here is a
   * string). A single query parameter is checked by its service, with the same field errors.
   */
  params?: Record<
    string,
    { in: 'path' | 'header' | 'query'; schema: Record<string, unknown>; required?: boolean; description?: string }
  >;
}

function addRouteDoc(handler: object, doc: RouteDoc): void {
  const current: RouteDoc = Reflect.getMetadata(API_ROUTE, handler) ?? {};
  Reflect.defineMetadata(API_ROUTE, { ...current, ...doc, params: { ...current.params, ...doc.params } }, handler);
}

export function routeDoc(handler: object): RouteDoc {
  return Reflect.getMetadata(API_ROUTE, handler) ?? {};
}

const handlerOf = (target: object, key: string | symbol | undefined) =>
  (target as Record<string | symbol, object>)[key as string | symbol];

/** What the route does and what it answers, for the document; `responses` are by HTTP status. */
export function ApiDoc(
  summary: string,
  responses: Record<number, ResponseDoc>,
  more: Pick<RouteDoc, 'rawBody' | 'params'> = {},
): MethodDecorator {
  return (_target, _key, descriptor) => addRouteDoc(descriptor.value as object, { summary, responses, ...more });
}

/** The JSON body, parsed by its contract (400 VALIDATION_FAILED naming each bad field, as `what`). */
export function ValidBody(schema: z.ZodType, what: string): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, what))(target, key, index);
    addRouteDoc(handlerOf(target, key), { body: schema });
  };
}

/** The query string, parsed by its contract (an object schema: its fields are the query's parameters). */
export function ValidQuery(schema: z.ZodType, what = 'query'): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema, what))(target, key, index);
    addRouteDoc(handlerOf(target, key), { query: schema });
  };
}

/**
 * A uuid path parameter. Anything else cannot name a `what` (a run, a group, a key), so it is answered as one
 * that does not exist, 404 NOT_FOUND, and never reaches a uuid column.
 */
export function IdParam(what: string, name = 'id'): ParameterDecorator {
  const pipe = new ParseUUIDPipe({ exceptionFactory: () => new DomainError('NOT_FOUND', `${what} not found`) });
  return (target, key, index) => {
    Param(name, pipe)(target, key, index);
    addRouteDoc(handlerOf(target, key), {
      params: { [name]: { in: 'path', schema: { type: 'string', format: 'uuid' } } },
    });
  };
}

/** A path parameter other than an id, documented by its JSON Schema; the service answers 404 for one it lacks. */
export function PathParam(name: string, schema: Record<string, unknown>): ParameterDecorator {
  return (target, key, index) => {
    Param(name)(target, key, index);
    addRouteDoc(handlerOf(target, key), { params: { [name]: { in: 'path', schema } } });
  };
}

/**
 * The fields of a multipart/form-data body, parsed by their contract; the files beside them (`files`) are
 * documented as binary parts and handed over by `@UploadedFiles()`.
 */
export function ValidFormFields(schema: z.ZodType, what: string, files: string): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, what))(target, key, index);
    const fields = (
      z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> }
    ).properties;
    const properties = {
      files: { type: 'array', items: { type: 'string', format: 'binary' }, description: files },
      ...fields,
    };
    addRouteDoc(handlerOf(target, key), {
      rawBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties } } } },
    });
  };
}
