import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiKey, ApiRole, User, UserSession } from '@hv/state';
import type { TenantScope } from './tenant-scope';

/** Who is calling: a machine with an API key, or a person signed in to the console. */
export interface Principal {
  kind: 'key' | 'user';
  id: string;
  name: string;
  role: ApiRole;
  /** The collectivité of an `epci` or `commune` principal; null for the others. */
  tenant: string | null;
}

/** The verified caller and the tenants it may see. */
export interface Caller {
  principal: Principal;
  scope: TenantScope;
  /** What is recorded as the author of a change (alarm acknowledged by, command created by). */
  label: string;
  /** The session of a person (absent for API keys). */
  session?: UserSession;
}

export const CALLER = Symbol('hv:caller');
/** The live session the request's cookie names, on every route (anonymous ones too), or null. */
export const SESSION = Symbol('hv:session');

export function keyPrincipal(key: ApiKey): Principal {
  return { kind: 'key', id: key.id, name: key.name, role: key.role, tenant: key.tenant };
}

export function userPrincipal(user: User): Principal {
  return { kind: 'user', id: user.id, name: user.name, role: user.role, tenant: user.tenant };
}

/** The request's caller, set by AuthGuard (routes with `anonymous` access have none). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = (ctx.switchToHttp().getRequest<Record<symbol, Caller | undefined>>())[CALLER];
  if (!caller) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} reads the caller of an anonymous route`);
  return caller;
});
