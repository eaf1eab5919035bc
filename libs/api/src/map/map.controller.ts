import { Controller } from '@nestjs/common';
import { tenantIdSchema } from '@hv/contracts';
import { TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { MapRepository } from './map.repository';

export const mapCommunes = defineRoute({
  method: 'GET',
  path: 'map/communes',
  summary: "The map of the territory: per commune, where its devices are (their mean position) and how many are ok, faulty or offline",
  tag: 'map',
  access: 'aggregate',
  query: z.object({
    /** Only this tenant (a commune, or an EPCI with its communes). */
    tenant: tenantIdSchema.optional(),
  }),
});

export const mapDevices = defineRoute({
  method: 'GET',
  path: 'map/devices',
  summary: 'The devices of a commune (or of an EPCI\'s communes) on the map: position, type and state; at most 5,000',
  tag: 'map',
  access: 'tenant',
  query: z.object({ tenant: tenantIdSchema }),
});

@Controller()
export class MapController {
  constructor(
    private readonly map: MapRepository,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(mapCommunes)
  async communes(@Input() input: RouteInput<typeof mapCommunes>, @CurrentCaller() caller: Caller) {
    return { communes: await this.map.communes(await this.scoped(caller, input.query.tenant)) };
  }

  @ApiRoute(mapDevices)
  async devices(@Input() input: RouteInput<typeof mapDevices>, @CurrentCaller() caller: Caller) {
    return this.map.devices((await this.scoped(caller, input.query.tenant)) ?? []);
  }

  /** The tenants asked for within the caller's scope: an EPCI stands for itself and its communes; null for everything. */
  private async scoped(caller: Caller, tenant: string | undefined): Promise<string[] | null> {
    if (tenant === undefined) return caller.scope.tenants();
    caller.scope.requireTenant(tenant);
    return (await this.tenants.visibleTenants(tenant)).filter((id) => caller.scope.includes(id));
  }
}
