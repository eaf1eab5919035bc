import type { TenantRepository } from '@hv/state';
import { NotFoundError } from '../http/api.errors';
import type { Caller } from './caller';

/** A tenant named in the path (`tenants/:tenant/…`): in the key's scope (403 otherwise), and registered (404 otherwise). */
export async function requirePathTenant(tenants: TenantRepository, caller: Caller, tenant: string): Promise<string> {
  caller.scope.requireTenant(tenant);
  if (!(await tenants.findById(tenant))) throw new NotFoundError(`tenant ${tenant}`);
  return tenant;
}
