import { Database, DuplicateError, GatewayRepository, migrate, seedTerritory, TEST_SCRYPT_COST, UnknownTenantError } from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

const LAON = '02408';

describe('GatewayRepository', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let gateways: GatewayRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_gateways');
    db = new Database(testDb.url, { max: 2 });
    await migrate(db);
    await seedTerritory(db, '02');
    gateways = new GatewayRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('registers a gateway and authenticates it for its tenant and network only with its secret', async () => {
    const gw = await gateways.create({ id: 'chirpstack-laon', tenant: LAON, network: 'chirpstack', secret: 'bridge secret 1', secretCost: TEST_SCRYPT_COST });
    expect(gw).toMatchObject({ id: 'chirpstack-laon', tenant: LAON, network: 'chirpstack', retiredAt: null });
    expect(await gateways.verifyCredentials('chirpstack-laon', 'bridge secret 1')).toEqual({ id: 'chirpstack-laon', tenant: LAON, network: 'chirpstack' });
    expect(await gateways.verifyCredentials('chirpstack-laon', 'bridge secret 2')).toBeNull();
    expect(await gateways.verifyCredentials('unknown-gw', 'bridge secret 1')).toBeNull();
  });

  it('refuses a duplicate id and an unknown tenant by name', async () => {
    const dup = gateways.create({ id: 'chirpstack-laon', tenant: LAON, network: 'tts', secret: 'another secret', secretCost: TEST_SCRYPT_COST });
    await expect(dup).rejects.toBeInstanceOf(DuplicateError);
    await expect(dup).rejects.toThrow('gateway id chirpstack-laon is already registered');
    await expect(gateways.create({ id: 'gw-x', tenant: '99999', network: 'native', secret: 'another secret' })).rejects.toBeInstanceOf(
      UnknownTenantError,
    );
  });

  it('stops authenticating a retired gateway', async () => {
    await gateways.create({ id: 'gw-retired', tenant: LAON, network: 'native', secret: 'retired secret', secretCost: TEST_SCRYPT_COST });
    expect(await gateways.retire('gw-retired')).toBe(true);
    expect(await gateways.verifyCredentials('gw-retired', 'retired secret')).toBeNull();
    expect((await gateways.findById('gw-retired'))?.retiredAt).toBeInstanceOf(Date);
    expect(await gateways.retire('gw-retired')).toBe(false);
  });

  it('lists by tenant and rotates a secret: the old one stops working at once, the new one works', async () => {
    const others = async (tenants: string[] | null) => (await gateways.list({ tenants })).map((g) => g.id).filter((id) => !['cs-laon', 'tts-soissons'].includes(id));
    const [laonBefore, allBefore] = [await others([LAON]), await others(null)];
    await gateways.create({ id: 'cs-laon', tenant: LAON, network: 'chirpstack', secret: 'old secret 1', secretCost: TEST_SCRYPT_COST });
    await gateways.create({ id: 'tts-soissons', tenant: '02722', network: 'tts', secret: 'old secret 2', secretCost: TEST_SCRYPT_COST });
    expect((await gateways.list({ tenants: [LAON] })).map((g) => g.id)).toEqual([...laonBefore, 'cs-laon'].sort());
    expect((await gateways.list({ tenants: null })).map((g) => g.id)).toEqual([...allBefore, 'cs-laon', 'tts-soissons'].sort());
    expect(await gateways.rotateSecret('cs-laon', 'new secret 1', TEST_SCRYPT_COST)).toBe(true);
    expect(await gateways.verifyCredentials('cs-laon', 'old secret 1')).toBeNull();
    expect(await gateways.verifyCredentials('cs-laon', 'new secret 1')).toMatchObject({ id: 'cs-laon' });
    expect(await gateways.retire('cs-laon')).toBe(true);
    expect(await gateways.rotateSecret('cs-laon', 'newer secret 1', TEST_SCRYPT_COST)).toBe(false);
    expect((await gateways.list({ tenants: [LAON] })).map((g) => g.id)).toEqual(laonBefore);
    expect((await gateways.list({ tenants: [LAON], includeRetired: true })).map((g) => g.id)).toContain('cs-laon');
  });
});
