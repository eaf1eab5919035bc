import { REAL_DEVICE_MODELS, SHIPPED_DEVICE_MODELS } from '@hv/contracts';
import { Database, DeviceModelRepository, DeviceRepository, DuplicateError, InvalidInputError, migrate, seedTerritory } from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

const LAON = '02408';

describe('DeviceModelRepository and device models in the registry', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let models: DeviceModelRepository;
  let devices: DeviceRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_device_models');
    db = new Database(testDb.url, { max: 2 });
    await migrate(db);
    await seedTerritory(db, '02');
    models = new DeviceModelRepository(db);
    devices = new DeviceRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('installs the shipped models once and never overwrites an edited one', async () => {
    expect((await models.ensure(SHIPPED_DEVICE_MODELS)).sort()).toEqual(SHIPPED_DEVICE_MODELS.map((m) => m.id).sort());
    await models.update('milesight-am103', { name: 'AM103 of the syndicate', codec: { ...REAL_DEVICE_MODELS[0]!.codec, ignore: ['battery', 'history', 'extra'] } });
    expect(await models.ensure(SHIPPED_DEVICE_MODELS)).toEqual([]);
    expect(await models.findById('milesight-am103')).toMatchObject({ name: 'AM103 of the syndicate', codec: { ignore: ['battery', 'history', 'extra'] } });
  });

  it('refuses a profile that does not fit the model\'s type, naming the field, on create and on update', async () => {
    const bad = { id: 'bad-model', type: 'parking-spot', name: 'Bad', codec: { fields: { temperature: { to: 'temp_c' } } } };
    await expect(models.create(bad)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(models.create(bad)).rejects.toThrow(/codec\.fields\.temperature\.to: temp_c is not a parking-spot telemetry field/);
    await expect(models.create(bad)).rejects.toThrow(/required parking-spot field occupied is not mapped/);
    await expect(models.update('elsys-ers-co2', { codec: { fields: { co2: { to: 'co2_ppm', convert: 'nonzero_is_true' } } } })).rejects.toThrow(
      /codec\.fields\.co2: co2_ppm is a number, the mapping writes a boolean/,
    );
    await expect(models.create(REAL_DEVICE_MODELS[1]!)).rejects.toBeInstanceOf(DuplicateError);
  });

  it('lets a device name a model of its own type only, and gives ingest the model with each device and the profiles', async () => {
    await devices.create({ id: 'laon-co2-1', tenant: LAON, type: 'co2-sensor', devEui: 'a81758fffe000001', model: 'elsys-ers-co2' });
    await expect(devices.create({ id: 'laon-spot-1', tenant: LAON, type: 'parking-spot', devEui: 'a81758fffe000002', model: 'elsys-ers-co2' })).rejects.toThrow(
      /model: \(elsys-ers-co2 is not a registered model of type parking-spot\)|model: elsys-ers-co2 is not a registered model of type parking-spot/,
    );
    await devices.create({ id: 'laon-co2-2', tenant: LAON, type: 'co2-sensor', devEui: 'a81758fffe000003' });
    expect(await models.setDeviceModel('laon-co2-2', 'milesight-am103')).toBe(true);
    await expect(models.setDeviceModel('laon-co2-2', 'hv-sim-parking-spot')).rejects.toThrow(/model: hv-sim-parking-spot is not a registered model/);
    expect(await models.setDeviceModel('no-such-device', 'milesight-am103')).toBe(false);
    const active = new Map((await devices.listActiveDevices()).map((d) => [d.id, d]));
    expect(active.get('laon-co2-1')?.model).toBe('elsys-ers-co2');
    expect(active.get('laon-co2-2')?.model).toBe('milesight-am103');
    expect((await devices.findById('laon-co2-1'))?.model).toBe('elsys-ers-co2');
    const codecs = new Map((await devices.listModelCodecs()).map((m) => [m.id, m.codec]));
    expect(codecs.get('elsys-ers-co2')).toEqual(REAL_DEVICE_MODELS[1]!.codec);
  });
});
