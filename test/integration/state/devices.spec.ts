import {
  Database,
  DeviceRepository,
  DuplicateError,
  InvalidInputError,
  migrate,
  seedTerritory,
  TEST_SCRYPT_COST,
  UnknownTenantError,
  type DeviceInput,
} from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

const LAON = '02408';
const CA_PAYS_DE_LAON = '200043495';
const SECRET = 'lamp secret 0001';

describe('DeviceRepository', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let devices: DeviceRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_devices');
    db = new Database(testDb.url, { max: 4 });
    await migrate(db);
    await seedTerritory(db, '02');
    devices = new DeviceRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('registers a device with its derived domain, hashed secret and static attributes', async () => {
    const device = await devices.create({
      id: 'laon-lamp-1',
      tenant: LAON,
      type: 'lighting-controller',
      secret: SECRET,
      secretCost: TEST_SCRYPT_COST,
      devEui: '70B3D57ED0000001',
      attributes: { name: 'Rue Châtelaine 4', cabinet: 'laon-cab-1', rated_power_w: 45, lat: 49.564, lon: 3.62 },
    });
    expect(device).toMatchObject({
      id: 'laon-lamp-1',
      tenant: LAON,
      domain: 'lighting',
      type: 'lighting-controller',
      devEui: '70b3d57ed0000001',
      hasSecret: true,
      retiredAt: null,
      attributes: { cabinet: 'laon-cab-1', rated_power_w: 45 },
    });
    expect(device.createdAt).toBeInstanceOf(Date);
    const { rows } = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM devices WHERE id = $1', ['laon-lamp-1']);
    expect(rows[0].secret_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(rows[0].secret_hash).not.toContain(SECRET);
    expect(await devices.findById('laon-lamp-1')).toEqual(device);
  });

  it('verifies credentials: right secret → the device; wrong, unknown or secretless → null', async () => {
    await devices.create({ id: 'laon-lora-1', tenant: LAON, type: 'parking-spot', devEui: '70b3d57ed0000002' });
    expect(await devices.verifyCredentials('laon-lamp-1', SECRET)).toMatchObject({ id: 'laon-lamp-1', tenant: LAON, type: 'lighting-controller' });
    expect(await devices.verifyCredentials('laon-lamp-1', 'lamp secret 0002')).toBeNull();
    expect(await devices.verifyCredentials('no-such-device', SECRET)).toBeNull();
    expect(await devices.verifyCredentials('laon-lora-1', SECRET)).toBeNull();
    expect(await devices.verifyCredentials('Not A Device Id', SECRET)).toBeNull();
  });

  it('finds a device by DevEUI in any case', async () => {
    expect((await devices.findByDevEui('70B3D57ED0000002'))?.id).toBe('laon-lora-1');
    expect(await devices.findByDevEui('ffffffffffffffff')).toBeUndefined();
  });

  it('gives ingest the EPCI of the commune and the cabinet from the attributes', async () => {
    await devices.create({ id: 'epci-boiler-1', tenant: CA_PAYS_DE_LAON, type: 'boiler-room' });
    const active = await devices.listActiveDevices();
    const byId = new Map(active.map((d) => [d.id, d]));
    expect(byId.get('laon-lamp-1')).toEqual({
      id: 'laon-lamp-1',
      tenant: LAON,
      type: 'lighting-controller',
      epci: CA_PAYS_DE_LAON,
      cabinet: 'laon-cab-1',
      devEui: '70b3d57ed0000001',
      model: null,
      attributes: expect.objectContaining({ cabinet: 'laon-cab-1' }),
    });
    expect(byId.get('laon-lora-1')).toMatchObject({ epci: CA_PAYS_DE_LAON, cabinet: null, devEui: '70b3d57ed0000002' });
    expect(byId.get('epci-boiler-1')).toMatchObject({ tenant: CA_PAYS_DE_LAON, epci: null, devEui: null });
    expect(await devices.findActiveDevice({ devEui: '70B3D57ED0000002' })).toEqual(byId.get('laon-lora-1'));
    expect(await devices.findActiveDevice({ id: 'laon-lamp-1' })).toEqual(byId.get('laon-lamp-1'));
    expect(await devices.findActiveDevice({ id: 'nobody' })).toBeUndefined();
    const batch = await devices.findActiveDevices({ ids: ['laon-lamp-1', 'nobody'], devEuis: ['70B3D57ED0000002', 'ffffffffffffffff'] });
    expect(batch.map((d) => d.id).sort()).toEqual(['laon-lamp-1', 'laon-lora-1']);
  });

  it('refuses a duplicate id or an active DevEUI with an error naming it', async () => {
    const sameId = devices.create({ id: 'laon-lamp-1', tenant: LAON, type: 'co2-sensor' });
    await expect(sameId).rejects.toBeInstanceOf(DuplicateError);
    await expect(sameId).rejects.toThrow('device id laon-lamp-1 is already registered');
    const sameEui = devices.create({ id: 'laon-lamp-2', tenant: LAON, type: 'lighting-controller', devEui: '70B3D57ED0000001' });
    await expect(sameEui).rejects.toMatchObject({ name: 'DuplicateError', field: 'devEui', value: '70b3d57ed0000001' });
    expect(await devices.findById('laon-lamp-2')).toBeUndefined();
  });

  it('refuses an unknown tenant and bad input before touching the table', async () => {
    await expect(devices.create({ id: 'ghost-1', tenant: '99999', type: 'car-park' })).rejects.toBeInstanceOf(UnknownTenantError);
    await expect(devices.create({ id: 'ghost-1', tenant: '99999', type: 'car-park' })).rejects.toThrow(/unknown tenant 99999/);
    const bad = { id: 'ghost-1', tenant: LAON, type: 'lamp-post' } as unknown as DeviceInput;
    await expect(devices.create(bad)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(devices.create(bad)).rejects.toThrow(/type: type must be one of/);
    expect(await devices.findById('ghost-1')).toBeUndefined();
  });

  it('retires a device: no more login nor ingest, history kept, DevEUI free for new hardware', async () => {
    await devices.create({
      id: 'laon-co2-1',
      tenant: LAON,
      type: 'co2-sensor',
      secret: 'co2 sensor secret',
      secretCost: TEST_SCRYPT_COST,
      devEui: '70b3d57ed0000003',
    });
    expect(await devices.retire('laon-co2-1')).toBe(true);
    expect(await devices.retire('laon-co2-1')).toBe(false);
    expect(await devices.verifyCredentials('laon-co2-1', 'co2 sensor secret')).toBeNull();
    expect(await devices.findActiveDevice({ id: 'laon-co2-1' })).toBeUndefined();
    expect((await devices.listActiveDevices()).map((d) => d.id)).not.toContain('laon-co2-1');
    expect((await devices.findById('laon-co2-1'))?.retiredAt).toBeInstanceOf(Date);
    expect((await devices.listByTenant(LAON)).map((d) => d.id)).not.toContain('laon-co2-1');
    expect((await devices.listByTenant(LAON, { includeRetired: true })).map((d) => d.id)).toContain('laon-co2-1');

    await devices.create({ id: 'laon-co2-2', tenant: LAON, type: 'co2-sensor', devEui: '70b3d57ed0000003' });
    expect((await devices.findByDevEui('70b3d57ed0000003'))?.id).toBe('laon-co2-2');
    expect((await devices.findActiveDevice({ devEui: '70b3d57ed0000003' }))?.id).toBe('laon-co2-2');
  });

  it('registers 5,000 devices in one batch and lists them for ingest in one query', async () => {
    const communes = (await db.query<{ id: string }>(`SELECT id FROM tenants WHERE kind = 'commune' ORDER BY id LIMIT 50`)).rows;
    const batch: DeviceInput[] = Array.from({ length: 5_000 }, (_, i) => ({
      id: `fleet-${String(i).padStart(5, '0')}`,
      tenant: communes[i % communes.length].id,
      type: i % 2 ? 'parking-spot' : 'lighting-controller',
      devEui: (0x1000_0000_0000 + i).toString(16).padStart(16, '0'),
      // Every tenth logs in itself (cheap test cost); the others sit behind a gateway.
      ...(i % 10 === 0 ? { secret: `fleet secret ${i}`, secretCost: TEST_SCRYPT_COST } : {}),
      attributes: { cabinet: `cab-${i % 100}`, rated_power_w: 30 + (i % 7) },
    }));
    expect(await devices.createMany(batch)).toBe(5_000);
    const active = await devices.listActiveDevices();
    const fleet = active.filter((d) => d.id.startsWith('fleet-'));
    expect(fleet).toHaveLength(5_000);
    expect(fleet.every((d) => d.epci !== null && d.cabinet?.startsWith('cab-'))).toBe(true);
    expect(await devices.verifyCredentials('fleet-00010', 'fleet secret 10')).toMatchObject({ id: 'fleet-00010' });
    expect(await devices.verifyCredentials('fleet-00011', 'fleet secret 11')).toBeNull();
  });

  it('rolls back the whole batch when one device collides', async () => {
    const batch: DeviceInput[] = [
      { id: 'batch-ok-1', tenant: LAON, type: 'air-station' },
      { id: 'batch-ok-2', tenant: LAON, type: 'air-station' },
      { id: 'laon-lamp-1', tenant: LAON, type: 'air-station' },
    ];
    await expect(devices.createMany(batch)).rejects.toThrow('device id laon-lamp-1 is already registered');
    expect(await devices.findById('batch-ok-1')).toBeUndefined();
  });

  it('names every unknown tenant of a batch', async () => {
    const batch: DeviceInput[] = [
      { id: 'far-1', tenant: '75056', type: 'air-station' },
      { id: 'far-2', tenant: LAON, type: 'air-station' },
      { id: 'far-3', tenant: '13055', type: 'air-station' },
    ];
    await expect(devices.createMany(batch)).rejects.toMatchObject({ name: 'UnknownTenantError', tenants: ['75056', '13055'] });
  });
});
