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
  async findActiveDevice(by: { id: string } | { devEui: string }): Promise<DeviceInfo | undefined> {
    this.finds++;
    if (this.fail) throw new Error('connection refused');
    return this.devices.find((d) => ('id' in by ? d.id === by.id : d.devEui === by.devEui));
  }
}

describe('RegistryDeviceDirectory', () => {
  it('finds a burst of devices provisioned after the load, past the per-second lookup budget', async () => {
    const source = new CountingSource([device(0)]);
    const directory = new RegistryDeviceDirectory(source, 50);
    await directory.load();
    source.devices.push(...Array.from({ length: 300 }, (_, i) => device(i + 1)));
    const found = await Promise.all(source.devices.map((d) => directory.byId(d.id)));
    expect(found.every((d) => d !== undefined)).toBe(true);
    // 50 point lookups, then one coalesced reload answered the other 250.
    expect(source.finds).toBeLessThanOrEqual(50);
    expect(source.lists).toBe(2);
    expect(directory.isKnown('lc-02408-300')).toBe(true);
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
