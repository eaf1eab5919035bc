import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyRepository, sameToken, UserRepository, type UserSession } from '@hv/state';
import { API_OPTIONS, type ApiOptions } from '../api.options';
import { ForbiddenError, UnauthenticatedError } from '../http/api.errors';
import { ACCESS, API_PREFIX, ROUTE_META, type RouteDefinition } from '../http/route';
import { CALLER, keyPrincipal, SESSION, userPrincipal, type Caller, type Principal } from './caller';
import { ScopeResolver } from './scope.resolver';
import { sessionCookieOf } from './session-cookie';

type Headers = Record<string, string | string[] | undefined>;
type GuardedRequest = { url: string; method: string; headers: Headers } & Record<symbol, Caller | UserSession | null>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The one guard of the API (global). A route under /api without an @ApiRoute definition is
 * refused to everyone, so that a route cannot be added without saying who may call it.
 * Otherwise the caller is a machine presenting a key (`Authorization: Bearer hv_…` or
 * `X-Api-Key`), or else a person whose session cookie names a live session; its role is
 * checked against the route's access and its scope attached for the handler: keys and
 * sessions go through the same checks and the same scopes.
 *
 * Cookies travel by themselves, so every state-changing request that acts with a session
 * must carry the session's CSRF token in X-CSRF-Token, and a state-changing request
 * without a key coming from another site (Origin, Sec-Fetch-Site) is refused before
 * anything runs: that also covers the anonymous routes (login, invitation, reset), which
 * act with no session.
 * Routes outside /api (/metrics, /health, the console's files) are not guarded here.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly publicOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly scopes: ScopeResolver,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.publicOrigin = new URL(options.accounts.publicUrl).origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const definition = this.reflector.get<RouteDefinition | undefined>(ROUTE_META, context.getHandler());
    if (!definition) {
      if (request.url.startsWith(`/${API_PREFIX.split('/')[0]}/`)) throw new ForbiddenError('this route declares no access and is closed');
      return true;
    }
    const unsafe = !SAFE_METHODS.has(request.method.toUpperCase());
    const presented = presentedKey(request.headers);
    if (unsafe && presented === undefined) this.refuseCrossSite(request.headers);
    const cookie = presented === undefined ? sessionCookieOf(request.headers['cookie']) : undefined;
    const session = cookie === undefined ? null : await this.users.findSession(cookie, this.options.accounts.sessionIdleMs);
    request[SESSION] = session;

    const roles = ACCESS[definition.access];
    if (roles === null) return true;
    let principal: Principal;
    if (presented !== undefined) {
      const key = await this.keys.verify(presented);
      if (!key) throw new UnauthenticatedError();
      principal = keyPrincipal(key);
    } else if (session) {
      if (unsafe) requireCsrf(request.headers, session);
      principal = userPrincipal(session.user);
    } else {
      throw new UnauthenticatedError();
    }
    const noun = principal.kind === 'key' ? 'key' : 'user';
    if (!(roles as readonly string[]).includes(principal.role)) {
      throw new ForbiddenError(`a ${principal.role} ${noun} may not ${definition.method} /${API_PREFIX}/${definition.path} (allowed: ${roles.join(', ')})`);
    }
    const label = principal.kind === 'key' ? `${principal.name} (key ${principal.id})` : `${principal.name} (user ${principal.id})`;
    request[CALLER] = { principal, scope: await this.scopes.resolve(principal), label, ...(session ? { session } : {}) };
    return true;
  }

  /**
   * A browser says where a request comes from: Origin on every cross-origin request and on
   * same-origin POSTs, Sec-Fetch-Site on all of them. Another site is refused; tools that send
   * neither (curl, scripts) are not browsers and carry no ambient credentials.
   */
  private refuseCrossSite(headers: Headers): void {
    const site = headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') throw new ForbiddenError('a state-changing request from another site is refused');
    const origin = headers['origin'];
    if (typeof origin !== 'string' || origin === '') return;
    const host = headers['host'];
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ForbiddenError('a state-changing request from another site is refused (Origin is not a URL)');
    }
    if (parsed.origin === this.publicOrigin || (typeof host === 'string' && parsed.host === host)) return;
    throw new ForbiddenError(`a state-changing request from another site (${parsed.origin}) is refused`);
  }
}

function requireCsrf(headers: Headers, session: UserSession): void {
  const token = headers[CSRF_HEADER];
  if (typeof token !== 'string' || !sameToken(token, session.csrfToken)) {
    throw new ForbiddenError('the CSRF token is missing or wrong: send X-CSRF-Token as the login answered (csrfToken)');
  }
}

function presentedKey(headers: Headers): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    return match?.[1] ?? '';
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
