import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Principal } from './principal';

export const AUTH_KIND = 'gradlab:auth';
/** public: anyone; staff: staff and admins; admin: admins only; worker: the worker token only (never a user's key). */
export type AuthKind = 'public' | 'staff' | 'admin' | 'worker';

/** The auth in the OpenAPI document, which says from it what a route needs and can answer (openapi-document.ts). */
export const AUTH_EXTENSION = 'x-gradlab-auth';

const auth = (kind: AuthKind) => applyDecorators(SetMetadata(AUTH_KIND, kind), ApiExtension(AUTH_EXTENSION, kind));
export const Public = () => auth('public');
export const StaffOnly = () => auth('staff');
export const AdminOnly = () => auth('admin');
export const WorkerOnly = () => auth('worker');

export interface AuthenticatedRequest {
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
}

/** The signed-in caller of a REST route (the guard has put it on the request). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
