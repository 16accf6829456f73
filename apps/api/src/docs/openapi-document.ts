import * as contracts from '@gradlab/contracts';
import { SESSION_COOKIE } from '@gradlab/contracts';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { cleanupOpenApiDoc, type ZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AUTH_EXTENSION, type AuthKind } from '../auth/auth.decorators';
import * as dtos from './contract-dtos';

const DESCRIPTION =
  'Submit, follow and read back deep-learning course experiments. Every route but health and sign-in needs an API key (`Authorization: Bearer glk_...`) or the dashboard session cookie; a run of another team answers 404. Live events: socket.io on the same port (`auth: { token }`), `subscribe` with `{ runId }`. GraphQL at /graphql.';

/**
 * The REST api's OpenAPI document, as @nestjs/swagger reads it from the controllers (every route Nest serves),
 * with the contracts their DTOs stand for (contract-dtos.ts, api-route.ts). Nothing here names a route.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('gradlab api')
    .setVersion('1')
    .setDescription(DESCRIPTION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key (glk_...)' }, 'apiKey')
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, 'session')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'the worker token (checkpoint routes only)' },
      'workerToken',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(Object.entries(document.paths).sort(([a], [b]) => a.localeCompare(b)));
  // nestjs-zod's cleanup makes plain query parameters of a query DTO's fields.
  return withAuth(cleanupOpenApiDoc({ ...withContractSchemas(document), security: [{ apiKey: [] }, { session: [] }] }));
}

/**
 * The document of a module without serving it (the clients' types, tests): Nest's preview mode reads the
 * controllers and creates no provider, so nothing connects to Postgres or Redis.
 */
export async function openApiDocumentOf(module: Type | DynamicModule): Promise<OpenAPIObject> {
  const app = await NestFactory.create(module, { preview: true, logger: false });
  app.setGlobalPrefix('api');
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/**
 * The contracts by name, as components: requests and queries as clients send them (with defaults), DTOs as
 * the api answers them. `CreateRunRequestSchema` is `CreateRunRequest`, `RunDtoSchema` is `Run`, and a contract
 * inside another is a reference to it (RunPage's items are Run).
 */
const named = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
for (const [exported, value] of Object.entries(contracts)) {
  if (!(value instanceof z.ZodType) || !exported.endsWith('Schema')) continue;
  const name = exported.replace(/Schema$/, '');
  if (/(Request|Query|Fields)$/.test(name)) named.input.add(value, { id: name });
  else if (name.endsWith('Dto')) named.output.add(value, { id: name.replace(/Dto$/, '') });
}

const uri = (id: string) => `#/components/schemas/${id}`;

/**
 * Swagger makes a component of each DTO class it meets (`CreateRunRequest`, `RunDto_Output`) from nestjs-zod's
 * reading of its schema. Each becomes a reference to its contract's component, written by zod itself: nestjs-zod
 * 5.5 misreads zod 4.6's JSON Schema (a named root comes as a `$ref`, nestjs-zod#475, and a nullable field's
 * `type: ["string", "null"]` is taken for an array).
 */
function withContractSchemas(document: OpenAPIObject): OpenAPIObject {
  const renames = new Map<string, string>();
  for (const dto of Object.values(dtos) as ZodDto<z.ZodType>[]) {
    const id = (named.input.get(dto.schema) ?? named.output.get(dto.schema))?.id;
    if (!id) throw new Error(`the contract of ${dto.name} is not exported by @gradlab/contracts`);
    renames.set(dto.name, id).set(`${dto.name}_Output`, id);
  }
  const json = JSON.stringify(document).replace(/"#\/components\/schemas\/([\w-]+)"/g, (ref, name: string) =>
    renames.has(name) ? JSON.stringify(uri(renames.get(name) as string)) : ref,
  );
  const renamed: OpenAPIObject = JSON.parse(json);
  const others = Object.entries(renamed.components?.schemas ?? {}).filter(([name]) => !renames.has(name));
  return {
    ...renamed,
    components: { ...renamed.components, schemas: { ...contractSchemas(), ...Object.fromEntries(others) } },
  };
}

type Schemas = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>;

function contractSchemas(): Schemas {
  const all = {
    ...z.toJSONSchema(named.input, { io: 'input', uri, unrepresentable: 'any' }).schemas,
    ...z.toJSONSchema(named.output, { io: 'output', uri, unrepresentable: 'any' }).schemas,
  };
  // The document says once which JSON Schema it uses; components need no ids of their own.
  for (const schema of Object.values(all)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return all as Schemas;
}

/**
 * Who may call each route, from its auth (the `x-gradlab-auth` the auth decorators set): the security it needs,
 * and the 401 and 403 that every guarded route can answer.
 */
function withAuth(document: OpenAPIObject): OpenAPIObject {
  const error = { content: { 'application/json': { schema: { $ref: uri('Error') } } } };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, Record<string, unknown>>)) {
      if (typeof operation !== 'object' || !('responses' in operation)) continue;
      const auth = operation[AUTH_EXTENSION] as AuthKind | undefined;
      delete operation[AUTH_EXTENSION];
      const responses = operation.responses as Record<string, object>;
      if (auth === 'public') operation.security = [];
      if (auth === 'worker') operation.security = [{ workerToken: [] }];
      if (auth !== 'public')
        responses[401] ??= { description: auth === 'worker' ? 'worker token required' : 'not signed in', ...error };
      if (auth === 'staff' || auth === 'admin') responses[403] ??= { description: `${auth} only`, ...error };
    }
  }
  return document;
}
