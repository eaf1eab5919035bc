import { Controller } from '@nestjs/common';
import { DOMAINS, tenantIdSchema, type Domain } from '@hv/contracts';
import { TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { ConnectedObjectsRepository, type ConnectedObjects } from './connected-objects.repository';

export const connectedObjects = defineRoute({
  method: 'GET',
  path: 'kpis/connected-objects',
  summary: 'Connected objects by domain and state (ok, faulty, offline; retired apart), per commune, EPCI or département',
  tag: 'kpis',
  access: 'aggregate',
  query: z.object({
    /** Only this tenant's devices (a commune, or an EPCI with its communes). */
    tenant: tenantIdSchema.optional(),
    by: z.enum(['commune', 'epci', 'departement']).default('commune'),
  }),
});

@Controller()
export class KpisController {
  constructor(
    private readonly objects: ConnectedObjectsRepository,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(connectedObjects)
  async connected(@Input() input: RouteInput<typeof connectedObjects>, @CurrentCaller() caller: Caller) {
    const { tenant, by } = input.query;
    // An EPCI asked for by id stands for itself and its communes.
    const tenants = tenant === undefined ? caller.scope.tenants() : (caller.scope.requireTenant(tenant), await this.subtree(caller, tenant));
    const groups = await this.objects.count(tenants, by);
    return { asOf: new Date().toISOString(), by, groups, totals: totals(groups) };
  }

  private async subtree(caller: Caller, tenant: string): Promise<string[]> {
    const ids = await this.tenants.visibleTenants(tenant);
    return ids.filter((id) => caller.scope.includes(id));
  }
}

function totals(groups: ConnectedObjects[]): Array<Omit<ConnectedObjects, 'tenant'>> {
  const out = new Map<Domain, Omit<ConnectedObjects, 'tenant'>>();
  for (const g of groups) {
    const t = out.get(g.domain) ?? { domain: g.domain, registered: 0, ok: 0, faulty: 0, offline: 0, retired: 0 };
    t.registered += g.registered;
    t.ok += g.ok;
    t.faulty += g.faulty;
    t.offline += g.offline;
    t.retired += g.retired;
    out.set(g.domain, t);
  }
  return DOMAINS.filter((d) => out.has(d)).map((d) => out.get(d)!);
}
