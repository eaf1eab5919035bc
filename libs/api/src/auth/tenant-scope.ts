import { ForbiddenError, NotFoundError } from '../http/api.errors';

/**
 * The tenants whose data a key may see: every tenant (operators; the CDN on territory
 * routes), or a fixed set (an EPCI and its member communes, a commune alone), or none
 * (open-data keys).
 */
export class TenantScope {
  private constructor(
    readonly all: boolean,
    private readonly ids: ReadonlySet<string>,
  ) {}

  static everything(): TenantScope {
    return new TenantScope(true, new Set());
  }

  static of(ids: Iterable<string>): TenantScope {
    return new TenantScope(false, new Set(ids));
  }

  includes(tenant: string): boolean {
    return this.all || this.ids.has(tenant);
  }

  /** The tenant ids for a SQL filter; null means every tenant. */
  tenants(): string[] | null {
    return this.all ? null : [...this.ids].sort();
  }

  /** Narrows to one requested tenant (a filter), refusing one outside the scope. */
  narrow(tenant: string | undefined): string[] | null {
    if (tenant === undefined) return this.tenants();
    this.requireTenant(tenant);
    return [tenant];
  }

  /** A tenant named by the caller (in the path or a filter): 403 when outside the scope. */
  requireTenant(tenant: string): void {
    if (!this.includes(tenant)) throw new ForbiddenError(`tenant ${tenant} is outside this key's scope`);
  }

  /**
   * A resource found by its own id (device, alarm, command): one outside the scope is
   * answered as missing, so that its existence does not leak.
   */
  requireVisible<T extends { tenant: string }>(resource: T | undefined, what: string): T {
    if (!resource || !this.includes(resource.tenant)) throw new NotFoundError(what);
    return resource;
  }
}
