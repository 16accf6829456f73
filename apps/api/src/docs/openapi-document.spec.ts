import 'reflect-metadata';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi-document';

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => Type };

/** Every controller of a module and the modules it imports, as Nest would find them. */
function controllersOf(ref: ModuleRef, seen = new Set<unknown>()): Type[] {
  if (ref instanceof Promise) return [];
  const module = 'forwardRef' in ref ? ref.forwardRef() : ref;
  const type = 'module' in module ? module.module : module;
  if (seen.has(module) || seen.has(type)) return [];
  seen.add(module);
  seen.add(type);
  const dynamic = 'module' in module ? module : undefined;
  const controllers: Type[] = [...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) ?? []), ...(dynamic?.controllers ?? [])];
  const imports: ModuleRef[] = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []), ...(dynamic?.imports ?? [])];
  return [...controllers, ...imports.flatMap((imported) => controllersOf(imported, seen))];
}

/** `GET /api/runs/{id}`: each route the controllers declare, in OpenAPI's path syntax, under the api's prefix. */
function declaredRoutes(): string[] {
  const module = AppModule.forConfig(new AppConfig({}));
  return controllersOf(module).flatMap((controller) => {
    const base: string = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
    return Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
      const handler = controller.prototype[name];
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      const route: string | undefined = Reflect.getMetadata(PATH_METADATA, handler);
      if (method === undefined || route === undefined || typeof handler !== 'function') return [];
      const path = ['api', base, route]
        .flatMap((part) => part.split('/'))
        .filter(Boolean)
        .map((part) => part.replace(/^:(\w+)$/, '{$1}'))
        .join('/');
      return [`${RequestMethod[method]} /${path}`];
    });
  });
}

function documentedRoutes(): string[] {
  return Object.entries(buildOpenApiDocument().paths).flatMap(([path, operations]) =>
    Object.keys(operations as object)
      .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the OpenAPI document', () => {
  const declared = declaredRoutes();
  const documented = documentedRoutes();

  it('finds the routes of every controller', () => {
    expect(declared.length).toBeGreaterThan(30);
    expect(declared).toContain('GET /api/runs/{id}');
    expect(declared).toContain('POST /api/groups/{id}/cancel');
  });

  it('documents every route a controller declares', () => {
    expect(declared.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('documents no route that no controller serves', () => {
    expect(documented.filter((route) => !declared.includes(route))).toEqual([]);
  });
});
