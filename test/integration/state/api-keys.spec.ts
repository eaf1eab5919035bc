import { ApiKeyRepository, Database, DeviceAdminRepository, DeviceRepository, InvalidInputError, migrate, seedTerritory, UnknownTenantError } from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

describe('API keys and device updates against PostgreSQL', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let keys: ApiKeyRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_api_keys');
    db = new Database(testDb.url, { max: 2 });
    await migrate(db);
    await seedTerritory(db, '02');
    keys = new ApiKeyRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('issues a key that verifies, and stores only the digest of its secret', async () => {
    const issued = await keys.create({ name: 'Laon', role: 'commune', tenant: '02408', createdBy: 'test' });
    expect(issued.key).toMatch(/^hv_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
    const verified = await keys.verify(issued.key);
    expect(verified).toMatchObject({ id: issued.id, role: 'commune', tenant: '02408', revokedAt: null });
    expect(verified).not.toHaveProperty('digest');
    const { rows } = await db.query<{ row: string }>('SELECT row_to_json(k)::text AS row FROM api_keys k WHERE id = $1', [issued.id]);
    expect(rows[0]!.row).not.toContain(issued.key.slice(20));
  });

  it('refuses a wrong secret, a malformed key and an unknown id alike (null)', async () => {
    const issued = await keys.create({ name: 'ops', role: 'operator', createdBy: 'test' });
    const wrongSecret = `${issued.key.slice(0, -1)}${issued.key.endsWith('A') ? 'B' : 'A'}`;
    expect(await keys.verify(wrongSecret)).toBeNull();
    expect(await keys.verify('hv_aaaaaaaaaaaaaaaa_' + 'A'.repeat(43))).toBeNull();
    expect(await keys.verify('not a key')).toBeNull();
    expect(await keys.verify('')).toBeNull();
  });

  it('a revoked key stops verifying at once', async () => {
    const issued = await keys.create({ name: 'temp', role: 'public', createdBy: 'test' });
    expect(await keys.revoke(issued.id)).toMatchObject({ id: issued.id });
    expect(await keys.verify(issued.key)).toBeNull();
    expect(await keys.revoke(issued.id)).toBeUndefined();
  });

  it('records when a key was last used', async () => {
    const issued = await keys.create({ name: 'used', role: 'cdn', createdBy: 'test' });
    expect((await keys.findById(issued.id))!.lastUsedAt).toBeNull();
    await keys.verify(issued.key);
    expect((await keys.findById(issued.id))!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('the schema refuses a collectivité key without its tenant, another role with one, and an unknown tenant', async () => {
    await expect(keys.create({ name: 'x', role: 'epci', createdBy: 'test' })).rejects.toThrow(/check constraint/);
    await expect(keys.create({ name: 'x', role: 'operator', tenant: '02408', createdBy: 'test' })).rejects.toThrow(/check constraint/);
    await expect(keys.create({ name: 'x', role: 'commune', tenant: '02999', createdBy: 'test' })).rejects.toBeInstanceOf(UnknownTenantError);
  });

  it('device attributes merge, a null removes one, and the result is validated like provisioning', async () => {
    await new DeviceRepository(db).create({ id: 'lamp-upd-1', tenant: '02408', type: 'lighting-controller', attributes: { name: 'Rue 1', rated_power_w: 40 } });
    const admin = new DeviceAdminRepository(db);
    expect((await admin.updateAttributes('lamp-upd-1', { rated_power_w: 55, name: null, lat: 49.5 }))!.attributes).toEqual({ rated_power_w: 55, lat: 49.5 });
    await expect(admin.updateAttributes('lamp-upd-1', { lat: 120 })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await admin.updateAttributes('no-such-lamp', { lat: 1 })).toBeUndefined();
    const page = await admin.list({ tenants: ['02408'], limit: 10, offset: 0 });
    expect(page.devices.map((d) => d.id)).toEqual(['lamp-upd-1']);
    expect((await admin.list({ tenants: ['02691'], limit: 10, offset: 0 })).total).toBe(0);
  });
});
