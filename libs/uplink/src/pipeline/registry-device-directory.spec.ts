import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from './device-directory';
import { RegistryDeviceDirectory, type DeviceSource } from './registry-device-directory';

const device = (n: number): DeviceInfo => ({ id: `lc-02408-${n}`, tenant: '02408', type: 'lighting-controller', epci: null, cabinet: null, devEui: null });

/** An in-memory registry that counts what ingest asks of it. */
class CountingSource implements DeviceSource {
  lists = 0;
  finds = 0;
  fail = false;
  constructor(public devices: DeviceInfo[]) {}
  async listActiveDevices(): Promise<DeviceInfo[]> {
    this.lists++;
    if (this.fail) throw new Error('connection refused');
    return [...this.devices];
  }
  async findActiveDevices(by: { ids: readonly string[]; devEuis: readonly string[] }): Promise<DeviceInfo[]> {
    this.finds++;
    await new Promise((r) => setTimeout(r, 5)); // a store answers later, not in the same tick
    if (this.fail) throw new Error('connection refused');
    return this.devices.filter((d) => by.ids.includes(d.id) || (d.devEui !== null && by.devEuis.includes(d.devEui)));
  }
}

describe('RegistryDeviceDirectory', () => {
  it('finds a burst of devices provisioned after the load in one query, without a reload', async () => {
    const source = new CountingSource([device(0)]);
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    source.devices.push(...Array.from({ length: 300 }, (_, i) => ({ ...device(i + 1), devEui: i % 2 ? `70b3d57ed0${i.toString(16).padStart(6, '0')}` : null })));
    const found = await Promise.all(source.devices.map((d) => (d.devEui ? directory.byDevEui(d.devEui.toUpperCase()) : directory.byId(d.id))));
    expect(found.map((d) => d?.id)).toEqual(source.devices.map((d) => d.id));
    expect(source.finds).toBe(1);
    expect(source.lists).toBe(1);
    expect(directory.isKnown('lc-02408-300')).toBe(true);
  });

  it('answers a flood of bogus ids with a few batched queries, whatever their number', async () => {
    const source = new CountingSource([device(0)]);
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    // 20,000 distinct ids arriving in 20 turns of the event loop, as socket reads would.
    const answers: Array<Promise<DeviceInfo | undefined> | DeviceInfo | undefined> = [];
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 1_000; i++) answers.push(directory.byId(`zz-${turn}-${i}`));
      await new Promise((r) => setImmediate(r));
    }
    expect((await Promise.all(answers)).every((d) => d === undefined)).toBe(true);
    // One query in flight at a time, each carrying what queued meanwhile (≤ 5,000 ids).
    expect(source.finds).toBeGreaterThanOrEqual(4);
    expect(source.finds).toBeLessThan(20);
    expect(source.lists).toBe(1);
  });

  it('remembers an unknown id for a while instead of asking the store again', async () => {
    const source = new CountingSource([]);
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    expect(await directory.byId('lc-02408-404')).toBeUndefined();
    expect(directory.byId('lc-02408-404')).toBeUndefined(); // synchronous: negative cache
    expect(source.finds).toBe(1);
  });

  it('lets a store failure propagate, so that the message is held rather than called unknown', async () => {
    const source = new CountingSource([]);
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    source.fail = true;
    await expect(directory.byId('lc-02408-1')).rejects.toThrow(/connection refused/);
    source.fail = false;
    source.devices.push(device(1));
    expect(await directory.byId('lc-02408-1')).toMatchObject({ id: 'lc-02408-1' });
  });
});

describe('RegistryDeviceDirectory, device models', () => {
  const am103 = { id: 'milesight-am103', codec: { fields: { co2: { to: 'co2_ppm' } }, ignore: ['battery'] } };
  const sensor: DeviceInfo = { id: 'co2-02408-1', tenant: '02408', type: 'co2-sensor', epci: null, cabinet: null, devEui: '24e124707c000001', model: 'milesight-am103' };

  class ModelSource extends CountingSource {
    models: Array<typeof am103> = [];
    modelLists = 0;
    async listModelCodecs() {
      this.modelLists++;
      return [...this.models];
    }
  }

  it('attaches the model\'s profile to its devices at load, one object shared by all', async () => {
    const source = new ModelSource([sensor, { ...sensor, id: 'co2-02408-2', devEui: '24e124707c000002' }]);
    source.models = [am103];
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    const [a, b] = [directory.byId('co2-02408-1') as DeviceInfo, directory.byId('co2-02408-2') as DeviceInfo];
    expect(a.codec).toEqual(am103.codec);
    expect(a.codec).toBe(b.codec);
  });

  it('reads the profile of a model registered after the load before answering for its device', async () => {
    const source = new ModelSource([]);
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    source.models = [am103];
    source.devices = [sensor];
    const found = await directory.byDevEui('24E124707C000001');
    expect(found?.codec).toEqual(am103.codec);
    expect(source.modelLists).toBe(2);
  });

  it('refuses, rather than crashing on, the uplinks of a model whose stored profile was broken by hand', async () => {
    const source = new ModelSource([sensor]);
    source.models = [{ id: 'milesight-am103', codec: { fields: 'not an object' } as never }];
    const directory = new RegistryDeviceDirectory(source);
    await directory.load();
    const device = directory.byId('co2-02408-1') as DeviceInfo;
    expect(device.codec).toEqual({ fields: {}, ignore: [] });
  });
});
