import { Injectable } from '@nestjs/common';
import { TenantRepository, type ApiKey } from '@hv/state';
import { TenantScope } from './tenant-scope';

/** The hierarchy changes when the territory is seeded again, rarely: a key's scope is kept this long, ms. */
const SCOPE_TTL_MS = 60_000;

/**
 * A key's scope from its role and the tenants table (docs/API.md: each tenant sees its own
 * data, an EPCI its member communes, operators all, the CDN aggregates, open data no
 * tenant's data).
 */
@Injectable()
export class ScopeResolver {
  private readonly cache = new Map<string, { scope: TenantScope; until: number }>();

  constructor(private readonly tenants: TenantRepository) {}

  async resolve(key: ApiKey): Promise<TenantScope> {
    switch (key.role) {
      case 'operator':
      // The CDN reads the whole territory, but only through routes whose access admits it
      // (territory, aggregates, open data): the guard refuses it every tenant-data route.
      case 'cdn':
        return TenantScope.everything();
      case 'public':
        return TenantScope.of([]);
      case 'epci':
      case 'commune': {
        const cached = this.cache.get(key.id);
        if (cached && cached.until > Date.now()) return cached.scope;
        const scope = TenantScope.of(await this.subtree(key));
        this.cache.set(key.id, { scope, until: Date.now() + SCOPE_TTL_MS });
        return scope;
      }
    }
  }

  /** A commune key sees its commune alone, even if someone seeded communes below it. */
  private async subtree(key: ApiKey): Promise<string[]> {
    if (!key.tenant) return [];
    const tenant = await this.tenants.findById(key.tenant);
    if (!tenant || tenant.kind !== key.role) return [];
    return key.role === 'commune' ? [tenant.id] : this.tenants.visibleTenants(tenant.id);
  }
}
