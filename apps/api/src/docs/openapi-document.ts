import * as contracts from '@gradlab/contracts';
import { SESSION_COOKIE } from '@gradlab/contracts';
import type { DynamicModule, Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { routeDoc, type ResponseDoc, type RouteDoc } from './api-route';
import { appRoutes, type AppRoute } from './app-routes';

/**
 * The REST api's OpenAPI document, generated from the controllers (every route Nest serves) and the zod
 * contracts their decorators validate with (api-route.ts). Nothing here names a route.
 */
export function buildOpenApiDocument(
  module: Type | DynamicModule = AppModule.forConfig(new AppConfig({})),
): OpenAPIObject {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of appRoutes(module)) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route, routeDoc(route.handler)) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'gradlab api',
      version: '1',
      description:
        'Submit, follow and read back deep-learning course experiments. Every route but health and sign-in needs an API key (`Authorization: Bearer glk_...`) or the dashboard session cookie; a run of another team answers 404. Live events: socket.io on the same port (`auth: { token }`), `subscribe` with `{ runId }`. GraphQL at /graphql.',
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (glk_...)' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        workerToken: { type: 'http', scheme: 'bearer', description: 'the worker token (checkpoint routes only)' },
      },
    },
  } as OpenAPIObject;
}

function operation(route: AppRoute, doc: RouteDoc): Record<string, unknown> {
  const parameters = [
    ...route.pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...doc.params?.[name],
    })),
    ...Object.entries(doc.params ?? {})
      .filter(([, param]) => param.in !== 'path')
      .map(([name, param]) => ({ name, ...param })),
    ...(doc.query ? queryParameters(doc.query) : []),
  ];
  const responses: Record<number, ResponseDoc> = { ...doc.responses };
  if (route.auth !== 'public') responses[401] ??= route.auth === 'worker' ? 'worker token required' : 'not signed in';
  if (route.auth === 'staff' || route.auth === 'admin') responses[403] ??= `${route.auth} only`;
  if (Object.keys(responses).every((status) => Number(status) >= 300)) responses[200] = 'done';
  return {
    summary: doc.summary,
    ...(route.auth === 'public'
      ? { security: [] }
      : route.auth === 'worker'
        ? { security: [{ workerToken: [] }] }
        : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(doc.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } } } }
      : {}),
    ...(doc.rawBody ? { requestBody: doc.rawBody } : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [status, responseObject(Number(status), response)]),
    ),
  };
}

function responseObject(status: number, response: ResponseDoc): Record<string, unknown> {
  if (typeof response === 'string') {
    return status >= 400
      ? {
          description: response,
          content: { 'application/json': { schema: jsonSchema(contracts.ErrorDtoSchema, 'output') } },
        }
      : { description: response };
  }
  if (Array.isArray(response))
    return { description: response[0], content: { 'application/json': { schema: jsonSchema(response[1], 'output') } } };
  return response;
}

/** A query contract's fields as query parameters (a query string is flat). */
function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    ...(json.required?.includes(name) ? { required: true } : {}),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/**
 * The contracts by name, as components: requests and queries as clients send them (with defaults), DTOs as
 * the api answers them. `RunDtoSchema` is `Run`, `CreateRunRequestSchema` is `CreateRunRequest`.
 */
const named = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
for (const [exported, value] of Object.entries(contracts)) {
  if (!(value instanceof z.ZodType) || !exported.endsWith('Schema')) continue;
  const name = exported.replace(/Schema$/, '');
  if (/(Request|Query)$/.test(name)) named.input.add(value, { id: name });
  else if (name.endsWith('Dto')) named.output.add(value, { id: name.replace(/Dto$/, '') });
}

const uri = (id: string) => `#/components/schemas/${id}`;

function componentSchemas(): Record<string, unknown> {
  const all = {
    ...z.toJSONSchema(named.input, { io: 'input', uri, unrepresentable: 'any' }).schemas,
    ...z.toJSONSchema(named.output, { io: 'output', uri, unrepresentable: 'any' }).schemas,
  };
  return Object.fromEntries(
    Object.entries(all).map(([name, schema]) => [name, withoutIds(schema as Record<string, unknown>)]),
  );
}

/** A schema for one operation: a reference where the contract is a named component, else inline. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const id = named[io].get(schema)?.id;
  if (id) return { $ref: uri(id) };
  const json = z.toJSONSchema(schema, { io, metadata: named[io], unrepresentable: 'any' }) as Record<string, unknown>;
  // Named contracts inside it come back as local $defs: point them at the components instead.
  delete json.$defs;
  return withoutIds(JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')));
}

/** The document says once which JSON Schema it uses; components need no ids of their own. */
function withoutIds(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
