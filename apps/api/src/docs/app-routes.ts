import 'reflect-metadata';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { AUTH_KIND, type AuthKind } from '../auth/auth.decorators';

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => Type };

/** One route a controller declares: `GET /api/runs/{id}` with its handler, as Nest will serve it. */
export interface AppRoute {
  method: string;
  /** In OpenAPI's syntax, under the api's prefix: `/api/runs/{id}`. */
  path: string;
  pathParams: string[];
  handler: object;
  /** Who may call it (auth.decorators.ts); undefined: any signed-in caller. */
  auth: AuthKind | undefined;
}

/** Every controller of a module and the modules it imports, as Nest would find them. */
export function controllersOf(ref: ModuleRef, seen = new Set<unknown>()): Type[] {
  if (ref instanceof Promise) return [];
  const module = 'forwardRef' in ref ? ref.forwardRef() : ref;
  const type = 'module' in module ? module.module : module;
  if (seen.has(module) || seen.has(type)) return [];
  seen.add(module);
  seen.add(type);
  const dynamic = 'module' in module ? module : undefined;
  const controllers: Type[] = [
    ...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) ?? []),
    ...(dynamic?.controllers ?? []),
  ];
  const imports: ModuleRef[] = [
    ...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []),
    ...(dynamic?.imports ?? []),
  ];
  return [...controllers, ...imports.flatMap((imported) => controllersOf(imported, seen))];
}

/** The routes of a module's controllers, read from Nest's own decorator metadata (no app is started). */
export function appRoutes(module: ModuleRef): AppRoute[] {
  return controllersOf(module).flatMap((controller) => {
    const base: string = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
    const controllerAuth: AuthKind | undefined = Reflect.getMetadata(AUTH_KIND, controller);
    return Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
      const handler = controller.prototype[name];
      if (typeof handler !== 'function') return [];
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      const route: string | undefined = Reflect.getMetadata(PATH_METADATA, handler);
      if (method === undefined || route === undefined) return [];
      const parts = ['api', base, route].flatMap((part) => part.split('/')).filter(Boolean);
      const path = '/' + parts.map((part) => part.replace(/^:(\w+)$/, '{$1}')).join('/');
      const pathParams = parts.flatMap((part) => (part.startsWith(':') ? [part.slice(1)] : []));
      const auth: AuthKind | undefined = Reflect.getMetadata(AUTH_KIND, handler) ?? controllerAuth;
      return [{ method: RequestMethod[method].toLowerCase(), path, pathParams, handler, auth }];
    });
  });
}
