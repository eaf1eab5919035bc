import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyRepository } from '@hv/state';
import { ForbiddenError, UnauthenticatedError } from '../http/api.errors';
import { ACCESS, API_PREFIX, ROUTE_META, type RouteDefinition } from '../http/route';
import { CALLER, type Caller } from './caller';
import { ScopeResolver } from './scope.resolver';

/**
 * The one guard of the API (global): a route under /api without an @ApiRoute definition is
 * refused to everyone, so that a route cannot be added without saying who may call it;
 * otherwise the key (`Authorization: Bearer hv_…` or `X-Api-Key`) is verified, its role
 * checked against the route's access, and its scope attached for the handler.
 * Routes outside /api (/metrics, /health) are the platform's own and pass.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
    private readonly scopes: ScopeResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ url: string; headers: Record<string, string | string[] | undefined> } & Record<symbol, Caller>>();
    const definition = this.reflector.get<RouteDefinition | undefined>(ROUTE_META, context.getHandler());
    if (!definition) {
      if (request.url.startsWith(`/${API_PREFIX.split('/')[0]}/`)) throw new ForbiddenError('this route declares no access and is closed');
      return true;
    }
    const roles = ACCESS[definition.access];
    if (roles === null) return true;
    const presented = presentedKey(request.headers);
    const key = presented === undefined ? null : await this.keys.verify(presented);
    if (!key) throw new UnauthenticatedError();
    if (!(roles as readonly string[]).includes(key.role)) {
      throw new ForbiddenError(`a ${key.role} key may not ${definition.method} /${API_PREFIX}/${definition.path} (allowed: ${roles.join(', ')})`);
    }
    request[CALLER] = { key, scope: await this.scopes.resolve(key), label: `${key.name} (key ${key.id})` };
    return true;
  }
}

function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    return match?.[1] ?? '';
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
