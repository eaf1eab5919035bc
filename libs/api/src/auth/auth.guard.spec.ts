import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import type { ApiKey, ApiKeyRepository, User, UserRepository, UserSession } from '@hv/state';
import type { ApiOptions } from '../api.options';
import { ForbiddenError, UnauthenticatedError } from '../http/api.errors';
import { ROUTE_META, type RouteDefinition } from '../http/route';
import { AuthGuard } from './auth.guard';
import { CALLER, SESSION, type Caller, type Principal } from './caller';
import type { ScopeResolver } from './scope.resolver';
import { TenantScope } from './tenant-scope';

const KEYS: Record<string, ApiKey> = {
  'hv-cdn': { id: 'cdn', name: 'CDN', role: 'cdn', tenant: null, createdBy: 't', createdAt: new Date(), lastUsedAt: null, revokedAt: null },
  'hv-laon': { id: 'laon', name: 'Laon', role: 'commune', tenant: '02408', createdBy: 't', createdAt: new Date(), lastUsedAt: null, revokedAt: null },
};
const SECRETARY: User = { id: 'secretary', email: 's@laon.fr', name: 'Secrétaire', role: 'commune', tenant: '02408', createdBy: 't', createdAt: new Date(), hasPassword: true, lastLoginAt: null, disabledAt: null };
const SESSIONS: Record<string, UserSession> = { 'cookie-laon': { user: SECRETARY, csrfToken: 'csrf-laon', expiresAt: new Date(Date.now() + 3_600_000) } };
const keys = { verify: async (k: string) => KEYS[k] ?? null } as unknown as ApiKeyRepository;
const users = { findSession: async (id: string) => SESSIONS[id] ?? null } as unknown as UserRepository;
const scopes = { resolve: async (p: Principal) => (p.role === 'commune' ? TenantScope.of([p.tenant!]) : TenantScope.everything()) } as unknown as ScopeResolver;
const options = { accounts: { publicUrl: 'https://hv.useda.fr', sessionIdleMs: 60_000, sessionMaxMs: 3_600_000, mail: { from: 'x' } } } as ApiOptions;
const guard = new AuthGuard(new Reflector(), keys, users, scopes, options);

function context(url: string, definition: Partial<RouteDefinition> | undefined, headers: Record<string, string> = {}, method = 'GET') {
  const handler = function handler() {};
  if (definition) Reflect.defineMetadata(ROUTE_META, { method, path: 'x', summary: '', tag: '', ...definition }, handler);
  const request: Record<string | symbol, unknown> = { url, method, headers };
  const ctx = { getType: () => 'http', getHandler: () => handler, getClass: () => Object, switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { ctx, request };
}

describe('AuthGuard', () => {
  it('closes a route under /api that has no definition, to every key', async () => {
    await expect(guard.canActivate(context('/api/v1/sneaky', undefined, { authorization: 'Bearer hv-laon' }).ctx)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.canActivate(context('/api/v2/other', undefined).ctx)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('leaves the platform\'s own routes outside /api alone (/metrics, /health)', async () => {
    expect(await guard.canActivate(context('/metrics', undefined).ctx)).toBe(true);
    expect(await guard.canActivate(context('/health', undefined).ctx)).toBe(true);
  });

  it('asks for a key, then checks its role against the route\'s access, and attaches the caller with its scope', async () => {
    await expect(guard.canActivate(context('/api/v1/x', { access: 'tenant' }).ctx)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { authorization: 'Bearer nope' }).ctx)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { authorization: 'Bearer hv-cdn' }).ctx)).rejects.toThrow(/a cdn key may not GET/);
    const { ctx, request } = context('/api/v1/x', { access: 'tenant' }, { 'x-api-key': 'hv-laon' });
    expect(await guard.canActivate(ctx)).toBe(true);
    const caller = request[CALLER] as Caller;
    expect(caller.label).toBe('Laon (key laon)');
    expect(caller.scope.includes('02408')).toBe(true);
    expect(caller.scope.includes('02691')).toBe(false);
  });

  it('lets an anonymous route through without a key', async () => {
    expect(await guard.canActivate(context('/api/v1/openapi.json', { access: 'anonymous' }).ctx)).toBe(true);
  });

  it('takes a session cookie as it takes a key: same role check, same scope, labelled as the person', async () => {
    await expect(guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { cookie: 'hv_session=expired' }).ctx)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(guard.canActivate(context('/api/v1/x', { access: 'operator' }, { cookie: 'other=1; hv_session=cookie-laon' }).ctx)).rejects.toThrow(/a commune user may not GET/);
    const { ctx, request } = context('/api/v1/x', { access: 'tenant' }, { cookie: 'theme=dark; hv_session=cookie-laon' });
    expect(await guard.canActivate(ctx)).toBe(true);
    const caller = request[CALLER] as Caller;
    expect(caller.principal).toEqual({ kind: 'user', id: 'secretary', name: 'Secrétaire', role: 'commune', tenant: '02408' });
    expect(caller.label).toBe('Secrétaire (user secretary)');
    expect(caller.scope.includes('02691')).toBe(false);
  });

  it('refuses a state-changing request on a session without its CSRF token, and takes it with the token', async () => {
    const cookie = 'hv_session=cookie-laon';
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      await expect(guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { cookie }, method).ctx), method).rejects.toThrow(/CSRF/);
      await expect(guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { cookie, 'x-csrf-token': 'csrf-other' }, method).ctx), method).rejects.toThrow(/CSRF/);
      expect(await guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { cookie, 'x-csrf-token': 'csrf-laon' }, method).ctx), method).toBe(true);
    }
    // A key is not ambient: the cookie beside it is ignored, and no token is asked.
    expect(await guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { cookie, authorization: 'Bearer hv-laon' }, 'POST').ctx)).toBe(true);
  });

  it('refuses a state-changing request from another site, with or without a session, anonymous routes included', async () => {
    for (const access of ['anonymous', 'tenant'] as const) {
      const headers = { cookie: 'hv_session=cookie-laon', 'x-csrf-token': 'csrf-laon' };
      await expect(guard.canActivate(context('/api/v1/x', { access }, { ...headers, origin: 'https://evil.example' }, 'POST').ctx), access).rejects.toThrow(/another site/);
      await expect(guard.canActivate(context('/api/v1/x', { access }, { ...headers, 'sec-fetch-site': 'cross-site' }, 'POST').ctx), access).rejects.toThrow(/another site/);
      expect(await guard.canActivate(context('/api/v1/x', { access }, { ...headers, origin: 'https://hv.useda.fr', 'sec-fetch-site': 'same-origin' }, 'POST').ctx), access).toBe(true);
      expect(await guard.canActivate(context('/api/v1/x', { access }, { ...headers, origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }, 'POST').ctx), access).toBe(true);
    }
    // Reading is not refused: a cross-site GET cannot read the answer, and changes nothing.
    expect(await guard.canActivate(context('/api/v1/x', { access: 'tenant' }, { cookie: 'hv_session=cookie-laon', origin: 'https://evil.example' }).ctx)).toBe(true);
  });

  it('hands the live session to anonymous routes (the session route reads it), never a dead one', async () => {
    const live = context('/api/v1/session', { access: 'anonymous' }, { cookie: 'hv_session=cookie-laon' });
    await guard.canActivate(live.ctx);
    expect(live.request[SESSION]).toBe(SESSIONS['cookie-laon']);
    const dead = context('/api/v1/session', { access: 'anonymous' }, { cookie: 'hv_session=nope' });
    await guard.canActivate(dead.ctx);
    expect(dead.request[SESSION]).toBeNull();
  });
});
