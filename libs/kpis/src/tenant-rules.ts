import { Inject, Injectable } from '@nestjs/common';
import { rulesFor, type RuleConfig } from '@hv/rules';
import { KPIS_OPTIONS, type KpisOptions } from './kpis.options';
import type { TerritoryGroups } from './territory';

/** A tenant's rule configuration as telegestion resolves it: its own, else its EPCI's, else "*", else the defaults. */
@Injectable()
export class TenantRules {
  constructor(@Inject(KPIS_OPTIONS) private readonly options: KpisOptions) {}

  of(tenant: string, territory: TerritoryGroups): RuleConfig {
    return rulesFor(this.options.rules, tenant, territory.epciOf(tenant));
  }
}
