import { Controller } from '@nestjs/common';
import { tenantIdSchema } from '@hv/contracts';
import { DataQualityService, QUALITY_MAX_RANGE_MS } from '@hv/kpis';
import { TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { RequestValidationError } from '../http/api.errors';
import { instant } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';

export const dataQuality = defineRoute({
  method: 'GET',
  path: 'data-quality',
  summary:
    "Whether a collectivité's data can be trusted, per tenant: uplinks per hour, lost uplinks (sequence gaps) and the devices losing most, messages refused by reason, silent devices (open communication losses), ingest's lag",
  tag: 'data quality',
  access: 'tenant',
  query: z.object({
    /** Only this tenant (a commune, or an EPCI with its communes). */
    tenant: tenantIdSchema.optional(),
    /** Default: the last 24 hours; at most 31 days. */
    from: instant.optional(),
    to: instant.optional(),
  }),
});

@Controller()
export class DataQualityController {
  constructor(
    private readonly quality: DataQualityService,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(dataQuality)
  async get(@Input() input: RouteInput<typeof dataQuality>, @CurrentCaller() caller: Caller) {
    const toMs = input.query.to === undefined ? Date.now() : Date.parse(input.query.to);
    const fromMs = input.query.from === undefined ? toMs - 86_400_000 : Date.parse(input.query.from);
    if (fromMs >= toMs) throw new RequestValidationError([{ field: 'query.from', message: 'must be before to' }]);
    if (toMs - fromMs > QUALITY_MAX_RANGE_MS) throw new RequestValidationError([{ field: 'query.from', message: 'the period is at most 31 days' }]);
    const { tenant } = input.query;
    if (tenant !== undefined) caller.scope.requireTenant(tenant);
    // An EPCI named stands for itself and its communes, as far as the caller sees them.
    const tenants = tenant === undefined ? caller.scope.tenants() : (await this.tenants.visibleTenants(tenant)).filter((id) => caller.scope.includes(id));
    return this.quality.report(tenants, fromMs, toMs);
  }
}
