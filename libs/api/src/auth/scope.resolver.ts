import { Injectable } from '@nestjs/common';
import { TenantRepository } from '@hv/state';
import type { Principal } from './caller';
import { TenantScope } from './tenant-scope';

/** The hierarchy changes when the territory is seeded again, rarely: a key's scope is kept this long, ms. */
const SCOPE_TTL_MS = 60_000;

/**
 * A key's or a person's scope from its role and the tenants table (docs/API.md: each tenant sees its own
 * data, an EPCI its member communes, operators all, the CDN aggregates, open data no
 * tenant's data).
 */
@Injectable()
export class ScopeResolver {
  private readonly cache = new Map<string, { scope: TenantScope; until: number }>();

  constructor(private readonly tenants: TenantRepository) {}

  async resolve(principal: Principal): Promise<TenantScope> {
    switch (principal.role) {
      case 'operator':
      // The CDN reads the whole territory, but only through routes whose access admits it
      // (territory, aggregates, open data): the guard refuses it every tenant-data route.
      case 'cdn':
        return TenantScope.everything();
      case 'public':
        return TenantScope.of([]);
      case 'epci':
      case 'commune': {
        const id = `${principal.kind}:${principal.id}`;
        const cached = this.cache.get(id);
        if (cached && cached.until > Date.now()) return cached.scope;
        const scope = TenantScope.of(await this.subtree(principal));
        this.cache.set(id, { scope, until: Date.now() + SCOPE_TTL_MS });
        return scope;
      }
    }
  }

  /** A commune principal sees its commune alone, even if someone seeded communes below it. */
  private async subtree(principal: Principal): Promise<string[]> {
    if (!principal.tenant) return [];
    const tenant = await this.tenants.findById(principal.tenant);
    if (!tenant || tenant.kind !== principal.role) return [];
    return principal.role === 'commune' ? [tenant.id] : this.tenants.visibleTenants(tenant.id);
  }
}
