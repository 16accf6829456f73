import 'reflect-metadata';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { Answers, ApiDoc } from './api-route';
import { openApiDocumentOf } from './openapi-document';

type Operation = {
  summary?: string;
  parameters?: { name: string; in: string; schema?: { format?: string } }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: unknown[];
};

function operations(document: Awaited<ReturnType<typeof openApiDocumentOf>>): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

describe('the OpenAPI document', () => {
  let document: Awaited<ReturnType<typeof openApiDocumentOf>>;
  beforeAll(async () => {
    document = await openApiDocumentOf(AppModule.forConfig(new AppConfig({})));
  });

  it('finds the routes of every controller', () => {
    const routes = operations(document).map(([route]) => route);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toContain('GET /api/runs/{id}');
    expect(routes).toContain('POST /api/groups/{id}/cancel');
    expect(routes).toContain('PUT /api/runs/{id}/checkpoints/{kind}');
  });

  it('gives every route a summary and a described success', () => {
    const undocumented = operations(document).filter(
      ([, operation]) =>
        !operation.summary ||
        !Object.entries(operation.responses).some(([status, answer]) => status.startsWith('2') && answer.description),
    );
    expect(undocumented.map(([route]) => route)).toEqual([]);
  });

  it('takes every JSON body as a contract (which ContractValidationPipe parses) and every id as a uuid', () => {
    const bodies = operations(document).flatMap(([route, operation]) => {
      const json = operation.requestBody?.content['application/json'];
      return json ? [[route, json.schema?.$ref?.replace('#/components/schemas/', '')]] : [];
    });
    expect(bodies.length).toBeGreaterThan(8);
    expect(bodies.filter(([, contract]) => !contract || !document.components?.schemas?.[contract])).toEqual([]);
    const ids = operations(document).flatMap(([route, operation]) =>
      (operation.parameters ?? []).filter((p) => p.in === 'path' && p.name === 'id').map((p) => [route, p.schema]),
    );
    expect(ids.length).toBeGreaterThan(15);
    expect(ids.filter(([, schema]) => (schema as { format?: string })?.format !== 'uuid')).toEqual([]);
  });

  it('names the contracts: requests as sent, answers as given', () => {
    const runs = document.paths['/api/runs'];
    expect(runs.post?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateRunRequest' } } },
    });
    expect(runs.get?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RunPage' } } },
    });
    expect(document.paths['/api/runs/{id}/epochs'].get?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Epoch' } } } },
    });
    const schemas = document.components?.schemas as Record<
      string,
      { properties?: Record<string, { default?: unknown; items?: unknown; type?: unknown }> }
    >;
    // RunPage's items point at Run rather than repeating it; the request keeps its defaults; a nullable field
    // is a string or null, not an array (what nestjs-zod's own reading of zod 4.6 gives).
    expect(schemas.RunPage.properties?.items.items).toEqual({ $ref: '#/components/schemas/Run' });
    expect(JSON.stringify(schemas.CreateRunRequest)).toContain('"default":32');
    expect(schemas.Run.properties?.error.type).toEqual(['string', 'null']);
    expect(Object.keys(schemas).filter((name) => /Dto|_Output/.test(name))).toEqual([]);
    const listParameters = (document.paths['/api/runs'].get as Operation).parameters ?? [];
    expect(listParameters.map((p) => p.name)).toContain('pageSize');
  });

  it('says who may call each route', () => {
    expect(document.paths['/api/health'].get?.security).toEqual([]);
    expect(document.paths['/api/runs/{id}/checkpoints/{kind}'].put?.security).toEqual([{ workerToken: [] }]);
    expect(document.paths['/api/runs'].get?.security).toBeUndefined(); // the document's: an API key or the session
    expect(document.security).toEqual([{ apiKey: [] }, { session: [] }]);
    expect(document.paths['/api/workers'].get?.responses['403']).toBeDefined(); // staff only
    expect(document.paths['/api/runs'].get?.responses['401']).toBeDefined();
    expect(document.paths['/api/health'].get?.responses['401']).toBeUndefined();
    expect(JSON.stringify(document)).not.toContain('x-gradlab-auth');
  });

  it('documents a new route from its decorators alone', async () => {
    const ProbeRequestSchema = z.strictObject({ depth: z.number().int().min(1).default(8) });
    class ProbeRequest extends createZodDto(ProbeRequestSchema) {}
    @Controller('probes')
    class ProbeController {
      @Post()
      @ApiDoc('Start a probe', { 400: 'bad depth' })
      @Answers(201, 'started')
      start(@Body() request: ProbeRequest) {
        return request;
      }
    }
    @Module({ controllers: [ProbeController] })
    class ProbeModule {}
    const probe = (await openApiDocumentOf(ProbeModule)).paths['/api/probes'].post;
    expect(probe?.summary).toBe('Start a probe');
    expect(probe?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: expect.any(String) } } },
    });
    expect(Object.keys(probe?.responses ?? {}).sort()).toEqual(['201', '400', '401']);
  });
});
