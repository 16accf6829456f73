import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';

export const AUTH_KIND = 'gradlab:auth';
/** public: anyone; staff: staff and admins; admin: admins only; worker: the worker token only (never a user's key). */
export type AuthKind = 'public' | 'staff' | 'admin' | 'worker';

export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);
export const StaffOnly = () => SetMetadata(AUTH_KIND, 'staff' satisfies AuthKind);
export const AdminOnly = () => SetMetadata(AUTH_KIND, 'admin' satisfies AuthKind);
export const WorkerOnly = () => SetMetadata(AUTH_KIND, 'worker' satisfies AuthKind);

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
