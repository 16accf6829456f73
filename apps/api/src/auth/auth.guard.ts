import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isStaffRole } from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { AUTH_KIND, type AuthenticatedRequest, type AuthKind } from './auth.decorators';
import { AuthService } from './auth.service';

const header = (request: AuthenticatedRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Every REST route needs a signed-in user (API key or session cookie) unless marked @Public(); staff routes
 * need staff; worker routes need the worker token and refuse users' keys. GraphQL and socket.io
 * authenticate in their own layers with the same AuthService.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (kind === 'worker') {
      if (!this.auth.isWorkerToken(header(request, 'authorization')))
        throw new DomainError('UNAUTHORIZED', 'a valid worker token is required');
      return true;
    }
    const principal = await this.auth.authenticate(header(request, 'authorization'), header(request, 'cookie'));
    if (!principal)
      throw new DomainError('UNAUTHORIZED', 'sign in, or send an API key as "Authorization: Bearer <key>"');
    if (kind === 'staff' && !isStaffRole(principal.role)) throw new DomainError('FORBIDDEN', 'staff only');
    if (kind === 'admin' && principal.role !== 'admin') throw new DomainError('FORBIDDEN', 'admins only');
    request.principal = principal;
    return true;
  }
}
