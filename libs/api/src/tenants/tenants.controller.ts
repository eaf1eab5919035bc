import { Controller } from '@nestjs/common';
import { TENANT_KINDS, TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { NotFoundError } from '../http/api.errors';
import { tenantParams } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';

export const listTenants = defineRoute({
  method: 'GET',
  path: 'tenants',
  summary: 'The tenants the key sees (an EPCI: itself and its communes; a commune: itself; operators and the CDN: all)',
  tag: 'tenants',
  access: 'territory',
  query: z.object({ kind: z.enum(TENANT_KINDS).optional() }),
});

export const getTenant = defineRoute({
  method: 'GET',
  path: 'tenants/:tenant',
  summary: 'A tenant with its parent and its members (an EPCI\'s communes)',
  tag: 'tenants',
  access: 'territory',
  params: tenantParams,
});

export const whoAmI = defineRoute({
  method: 'GET',
  path: 'me',
  summary: 'The caller (a key, or a signed-in person): its role, tenant and the tenants it sees',
  tag: 'meta',
  access: 'open',
});

@Controller()
export class TenantsController {
  constructor(private readonly tenants: TenantRepository) {}

  @ApiRoute(listTenants)
  async list(@Input() input: RouteInput<typeof listTenants>, @CurrentCaller() caller: Caller) {
    const all = await this.tenants.list(input.query.kind);
    return { tenants: all.filter((t) => caller.scope.includes(t.id)) };
  }

  @ApiRoute(getTenant)
  async get(@Input() input: RouteInput<typeof getTenant>, @CurrentCaller() caller: Caller) {
    caller.scope.requireTenant(input.params.tenant);
    const tenant = await this.tenants.findById(input.params.tenant);
    if (!tenant) throw new NotFoundError(`tenant ${input.params.tenant}`);
    const members = tenant.kind === 'commune' ? [] : (await this.tenants.visibleTenants(tenant.id)).filter((id) => id !== tenant.id);
    return { ...tenant, members };
  }

  @ApiRoute(whoAmI)
  me(@CurrentCaller() caller: Caller) {
    const { kind, id, name, role, tenant } = caller.principal;
    const who = kind === 'key' ? { key: { id, name, role, tenant } } : { user: { id, email: caller.session?.user.email, name, role, tenant } };
    return { ...who, tenants: caller.scope.all ? 'all' : caller.scope.tenants() };
  }
}
