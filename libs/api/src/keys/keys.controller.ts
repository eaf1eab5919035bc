import { Controller } from '@nestjs/common';
import { tenantIdSchema } from '@hv/contracts';
import { API_ROLES, ApiKeyRepository, TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { NotFoundError, RequestValidationError } from '../http/api.errors';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';

export const keyIdParams = z.object({ key: z.string().regex(/^[a-z2-7]{16}$/, 'key id must be 16 characters a-z, 2-7') });

export const createKey = defineRoute({
  method: 'POST',
  path: 'keys',
  summary: 'Issues an API key (shown once, in this answer)',
  tag: 'keys',
  access: 'operator',
  status: 201,
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    role: z.enum(API_ROLES),
    /** The collectivité of an epci or commune key (SIREN or INSEE code). */
    tenant: tenantIdSchema.optional(),
  }),
});

export const listKeys = defineRoute({ method: 'GET', path: 'keys', summary: 'Every API key (never their secrets)', tag: 'keys', access: 'operator' });

export const revokeKey = defineRoute({ method: 'POST', path: 'keys/:key/revoke', summary: 'Revokes a key: it stops working at once', tag: 'keys', access: 'operator', params: keyIdParams });

@Controller()
export class KeysController {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(createKey)
  async create(@Input() input: RouteInput<typeof createKey>, @CurrentCaller() caller: Caller) {
    const { name, role, tenant } = input.body;
    await checkRoleTenant(this.tenants, role, tenant, 'key');
    const issued = await this.keys.create({ name, role, tenant: tenant ?? null, createdBy: caller.label });
    return { ...issued, notice: 'the key is shown only in this answer: store it now' };
  }

  @ApiRoute(listKeys)
  async list() {
    return { keys: await this.keys.list() };
  }

  @ApiRoute(revokeKey)
  async revoke(@Input() input: RouteInput<typeof revokeKey>) {
    const revoked = await this.keys.revoke(input.params.key);
    if (!revoked) throw new NotFoundError(`active key ${input.params.key}`);
    return revoked;
  }
}

/** An epci or commune key or account names a tenant of that kind; the other roles name none. */
export async function checkRoleTenant(tenants: TenantRepository, role: (typeof API_ROLES)[number], tenant: string | undefined, noun: 'key' | 'account'): Promise<void> {
  const scoped = role === 'epci' || role === 'commune';
  if (!scoped) {
    if (tenant !== undefined) throw new RequestValidationError([{ field: 'body.tenant', message: `a ${role} ${noun} names no tenant` }]);
    return;
  }
  if (tenant === undefined) throw new RequestValidationError([{ field: 'body.tenant', message: `a ${role} ${noun} needs its tenant` }]);
  const found = await tenants.findById(tenant);
  if (!found) throw new RequestValidationError([{ field: 'body.tenant', message: `unknown tenant ${tenant}` }]);
  if (found.kind !== role) throw new RequestValidationError([{ field: 'body.tenant', message: `${tenant} is a ${found.kind}, not a ${role}` }]);
}
