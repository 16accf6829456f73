import 'reflect-metadata';
import { Controller, Module, Post } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { z } from 'zod';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { ApiDoc, routeDoc, ValidBody } from './api-route';
import { appRoutes, controllersOf } from './app-routes';
import { buildOpenApiDocument } from './openapi-document';

const appModule = AppModule.forConfig(new AppConfig({}));

function documentedRoutes(document: ReturnType<typeof buildOpenApiDocument>): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations as object)
      .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Each handler's arguments as Nest's decorators recorded them: what kind, which name, through which pipes. */
function handlerArguments(): { route: string; type: RouteParamtypes; name?: string; pipes: unknown[] }[] {
  return controllersOf(appModule).flatMap((controller) => {
    const routes = appRoutes({ module: class {}, controllers: [controller] });
    return routes.flatMap((route) => {
      const method = Object.getOwnPropertyNames(controller.prototype).find(
        (name) => controller.prototype[name] === route.handler,
      ) as string;
      const args: Record<string, { data?: string; pipes: unknown[] }> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
      return Object.entries(args).map(([key, arg]) => ({
        route: `${route.method.toUpperCase()} ${route.path}`,
        type: Number(key.split(':')[0]) as RouteParamtypes,
        name: arg.data,
        pipes: arg.pipes,
      }));
    });
  });
}

describe('the OpenAPI document', () => {
  const declared = appRoutes(appModule).map((route) => `${route.method.toUpperCase()} ${route.path}`);
  const document = buildOpenApiDocument();

  it('finds the routes of every controller', () => {
    expect(declared.length).toBeGreaterThan(30);
    expect(declared).toContain('GET /api/runs/{id}');
    expect(declared).toContain('POST /api/groups/{id}/cancel');
  });

  it('documents every route a controller declares, and no other', () => {
    expect(documentedRoutes(document).sort()).toEqual([...declared].sort());
  });

  it('gives every route a summary and its answers', () => {
    const undocumented = appRoutes(appModule).filter(
      (route) => !routeDoc(route.handler).summary || !routeDoc(route.handler).responses,
    );
    expect(undocumented.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('validates at the edge: every JSON body and whole query through its contract, every id through the uuid pipe', () => {
    const unchecked = handlerArguments().filter(
      (arg) =>
        arg.pipes.length === 0 &&
        ((arg.type === RouteParamtypes.BODY && arg.route !== 'PUT /api/runs/{id}/checkpoints/{kind}') || // bytes, checked by the service
          (arg.type === RouteParamtypes.QUERY && arg.name === undefined) ||
          (arg.type === RouteParamtypes.PARAM && arg.name === 'id')),
    );
    expect(unchecked.map((arg) => `${arg.route} ${RouteParamtypes[arg.type]} ${arg.name ?? ''}`)).toEqual([]);
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
    const schemas = document.components?.schemas as Record<
      string,
      { properties?: Record<string, { default?: unknown; items?: unknown }> }
    >;
    // RunPage's items point at Run rather than repeating it; the request keeps its defaults.
    expect(schemas.RunPage.properties?.items.items).toEqual({ $ref: '#/components/schemas/Run' });
    expect(JSON.stringify(schemas.CreateRunRequest)).toContain('"default":32');
    expect(document.paths['/api/health'].get?.security).toEqual([]);
    expect(document.paths['/api/runs/{id}/checkpoints/{kind}'].put?.security).toEqual([{ workerToken: [] }]);
    expect(document.paths['/api/workers'].get?.responses['403']).toBeDefined(); // staff only
  });

  it('documents a new route from its decorators alone', () => {
    const ProbeRequestSchema = z.strictObject({ depth: z.number().int().min(1).default(8) });
    @Controller('probes')
    class ProbeController {
      @Post()
      @ApiDoc('Start a probe', { 201: ['started', ProbeRequestSchema], 400: 'bad depth' })
      start(@ValidBody(ProbeRequestSchema, 'probe') request: unknown) {
        return request;
      }
    }
    @Module({ controllers: [ProbeController] })
    class ProbeModule {}
    const probe = buildOpenApiDocument(ProbeModule).paths['/api/probes'].post;
    expect(probe?.summary).toBe('Start a probe');
    expect(probe?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { properties: { depth: { type: 'integer', default: 8 } } } } },
    });
    expect(Object.keys(probe?.responses ?? {}).sort()).toEqual(['201', '400', '401']);
  });
});
