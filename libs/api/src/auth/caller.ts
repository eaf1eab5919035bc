import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiKey } from '@hv/state';
import type { TenantScope } from './tenant-scope';

/** Who is calling: the verified key and the tenants it may see. */
export interface Caller {
  key: ApiKey;
  scope: TenantScope;
  /** What is recorded as the author of a change (alarm acknowledged by, command created by). */
  label: string;
}

export const CALLER = Symbol('hv:caller');

/** The request's caller, set by ApiKeyGuard (routes with `anonymous` access have none). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = (ctx.switchToHttp().getRequest<Record<symbol, Caller | undefined>>())[CALLER];
  if (!caller) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} reads the caller of an anonymous route`);
  return caller;
});
