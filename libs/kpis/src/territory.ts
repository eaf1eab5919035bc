import { Injectable } from '@nestjs/common';
import { TenantRepository, type Tenant } from '@hv/state';

/** How a KPI groups its figures: per commune, per EPCI (its communes), or for the département. */
export const KPI_GROUPINGS = ['commune', 'epci', 'departement'] as const;
export type KpiGrouping = (typeof KPI_GROUPINGS)[number];

/**
 * The territory as the KPIs fold it: which EPCI a commune belongs to, which département,
 * and the names. A commune without an EPCI stands alone in the EPCI grouping, as the
 * connected-objects KPI does; a tenant of another kind (an EPCI that owns devices itself)
 * is its own commune-level group.
 */
export class TerritoryGroups {
  private readonly byId: ReadonlyMap<string, Tenant>;

  constructor(tenants: readonly Tenant[]) {
    this.byId = new Map(tenants.map((t) => [t.id, t]));
  }

  get size(): number {
    return this.byId.size;
  }

  /** The territory's département, when it holds exactly one. */
  departement(): string | null {
    const found = [...this.byId.values()].filter((t) => t.kind === 'departement');
    return found.length === 1 ? found[0]!.id : null;
  }

  includes(id: string): boolean {
    return this.byId.has(id);
  }

  name(id: string): string | null {
    return this.byId.get(id)?.name ?? null;
  }

  /** The EPCI (SIREN) of a commune, or null: the rule configuration falls back on it. */
  epciOf(tenant: string): string | null {
    const t = this.byId.get(tenant);
    if (!t) return null;
    if (t.kind === 'epci') return t.id;
    const parent = t.parentId ? this.byId.get(t.parentId) : undefined;
    return parent?.kind === 'epci' ? parent.id : null;
  }

  groupOf(tenant: string, by: KpiGrouping): string {
    switch (by) {
      case 'commune':
        return tenant;
      case 'epci':
        return this.epciOf(tenant) ?? tenant;
      case 'departement': {
        const t = this.byId.get(tenant);
        return t?.departement ?? (t?.kind === 'departement' ? t.id : tenant);
      }
    }
  }

  /** Items keyed by tenant, gathered per group (groups in id order); `by` a grouping or a tenant → group function. */
  groups<T>(items: ReadonlyMap<string, T>, by: KpiGrouping | ((tenant: string) => string)): Array<{ tenant: string; members: T[] }> {
    const out = new Map<string, T[]>();
    for (const [tenant, item] of items) {
      const g = typeof by === 'function' ? by(tenant) : this.groupOf(tenant, by);
      (out.get(g) ?? out.set(g, []).get(g)!).push(item);
    }
    return [...out.keys()].sort().map((tenant) => ({ tenant, members: out.get(tenant)! }));
  }
}

/** Loads the territory (≈ 820 rows for the Aisne: read per request, a few ms). */
@Injectable()
export class TerritoryLoader {
  constructor(private readonly tenants: TenantRepository) {}

  async load(): Promise<TerritoryGroups> {
    return new TerritoryGroups(await this.tenants.list());
  }
}
