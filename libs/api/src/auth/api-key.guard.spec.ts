import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import type { ApiKey, ApiKeyRepository } from '@hv/state';
import { ForbiddenError, UnauthenticatedError } from '../http/api.errors';
import { ROUTE_META, type RouteDefinition } from '../http/route';
import { ApiKeyGuard } from './api-key.guard';
import { CALLER, type Caller } from './caller';
import type { ScopeResolver } from './scope.resolver';
import { TenantScope } from './tenant-scope';

const KEYS: Record<string, ApiKey> = {
  'hv-cdn': { id: 'cdn', name: 'CDN', role: 'cdn', tenant: null, createdBy: 't', createdAt: new Date(), lastUsedAt: null, revokedAt: null },
  'hv-laon': { id: 'laon', name: 'Laon', role: 'commune', tenant: '02408', createdBy: 't', createdAt: new Date(), lastUsedAt: null, revokedAt: null },
};
const keys = { verify: async (k: string) => KEYS[k] ?? null } as unknown as ApiKeyRepository;
const scopes = { resolve: async (k: ApiKey) => (k.role === 'commune' ? TenantScope.of([k.tenant!]) : TenantScope.everything()) } as unknown as ScopeResolver;
const guard = new ApiKeyGuard(new Reflector(), keys, scopes);

function context(url: string, definition: Partial<RouteDefinition> | undefined, headers: Record<string, string> = {}) {
  const handler = function handler() {};
  if (definition) Reflect.defineMetadata(ROUTE_META, { method: 'GET', path: 'x', summary: '', tag: '', ...definition }, handler);
  const request: Record<string | symbol, unknown> = { url, headers };
  const ctx = { getType: () => 'http', getHandler: () => handler, getClass: () => Object, switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { ctx, request };
}

describe('ApiKeyGuard', () => {
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
});
