import type { DeviceInfo } from '@hv/contracts';

export type { DeviceInfo } from '@hv/contracts';

/**
 * Registry lookups on the hot path. Implementations answer from memory when they can
 * (a value) and go to the store only on a miss (a promise).
 */
export interface DeviceDirectory {
  byId(id: string): DeviceInfo | undefined | Promise<DeviceInfo | undefined>;
  byDevEui(devEui: string): DeviceInfo | undefined | Promise<DeviceInfo | undefined>;
  /** True when the tenant owns at least one registered device (bounds metric labels). */
  hasTenant(tenant: string): boolean;
  /** Memory-only check, never a store lookup. */
  isKnown(id: string): boolean;
}

/** A directory over a fixed list: unit tests, simulated fleets, benchmarks. */
export class StaticDeviceDirectory implements DeviceDirectory {
  private readonly ids = new Map<string, DeviceInfo>();
  private readonly euis = new Map<string, DeviceInfo>();
  private readonly tenants = new Set<string>();

  constructor(devices: Iterable<DeviceInfo>) {
    for (const d of devices) this.add(d);
  }

  add(d: DeviceInfo): void {
    this.ids.set(d.id, d);
    if (d.devEui) this.euis.set(d.devEui, d);
    this.tenants.add(d.tenant);
  }

  byId(id: string): DeviceInfo | undefined {
    return this.ids.get(id);
  }

  byDevEui(devEui: string): DeviceInfo | undefined {
    return this.euis.get(devEui);
  }

  hasTenant(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  isKnown(id: string): boolean {
    return this.ids.has(id);
  }
}
