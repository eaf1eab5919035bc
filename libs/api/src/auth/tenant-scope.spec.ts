import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../http/api.errors';
import { TenantScope } from './tenant-scope';

describe('TenantScope', () => {
  const epci = TenantScope.of(['200043495', '02408', '02020']);

  it('admits its tenants and refuses others named in a path with 403', () => {
    expect(() => epci.requireTenant('02408')).not.toThrow();
    expect(() => epci.requireTenant('02691')).toThrow(ForbiddenError);
  });

  it('answers a resource of another tenant as missing (404), so that its existence does not leak', () => {
    expect(epci.requireVisible({ tenant: '02408', id: 'lamp-1' }, 'device lamp-1').id).toBe('lamp-1');
    expect(() => epci.requireVisible({ tenant: '02691' }, 'device x')).toThrow(NotFoundError);
    expect(() => epci.requireVisible(undefined, 'device x')).toThrow(NotFoundError);
  });

  it('narrows a list to a requested tenant in scope, or to all of its own', () => {
    expect(epci.narrow(undefined)).toEqual(['02020', '02408', '200043495']);
    expect(epci.narrow('02408')).toEqual(['02408']);
    expect(() => epci.narrow('02691')).toThrow(ForbiddenError);
  });

  it('everything: any tenant, and no SQL filter', () => {
    const all = TenantScope.everything();
    expect(all.includes('02691')).toBe(true);
    expect(all.tenants()).toBeNull();
  });

  it('an empty scope (open-data keys) sees no tenant', () => {
    const none = TenantScope.of([]);
    expect(none.includes('02408')).toBe(false);
    expect(none.tenants()).toEqual([]);
  });
});
