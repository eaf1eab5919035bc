import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DeviceInfo } from './device-directory';
import { StaticDeviceDirectory, type DeviceDirectory } from './device-directory';

/** The part of the registry ingest reads (implemented by @hv/state's DeviceRepository). */
export interface DeviceSource {
  listActiveDevices(): Promise<DeviceInfo[]>;
  findActiveDevice(by: { id: string } | { devEui: string }): Promise<DeviceInfo | undefined>;
}

/** Full reload period, ms: catches retirements and bulk imports. */
const REFRESH_MS = 60_000;
/** An id found missing is not looked up again for this long, ms. */
const NEGATIVE_TTL_MS = 30_000;
/** Store lookups for unknown ids per second at most: a flood of bogus ids stays cheap. */
const MISS_LOOKUPS_PER_S = 50;

/**
 * The registry in memory (≈ 100 bytes a device; the Aisne's 100k devices ≈ 10 MB), so the
 * hot path never waits on PostgreSQL. A device provisioned since the last reload is found
 * by a bounded on-miss lookup.
 */
@Injectable()
export class RegistryDeviceDirectory implements DeviceDirectory, OnModuleDestroy {
  private readonly logger = new Logger(RegistryDeviceDirectory.name);
  private cache = new StaticDeviceDirectory([]);
  private readonly missing = new Map<string, number>();
  private budget = MISS_LOOKUPS_PER_S;
  private budgetSecond = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly source: DeviceSource) {}

  async load(): Promise<number> {
    const devices = await this.source.listActiveDevices();
    this.cache = new StaticDeviceDirectory(devices);
    this.missing.clear();
    return devices.length;
  }

  startRefresh(): void {
    this.timer = setInterval(() => {
      this.load().catch((e: Error) => this.logger.warn(`registry reload failed: ${e.message}`));
    }, REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  byId(id: string): DeviceInfo | undefined | Promise<DeviceInfo | undefined> {
    return this.cache.byId(id) ?? this.miss(`id:${id}`, () => this.source.findActiveDevice({ id }));
  }

  byDevEui(devEui: string): DeviceInfo | undefined | Promise<DeviceInfo | undefined> {
    return this.cache.byDevEui(devEui) ?? this.miss(`eui:${devEui}`, () => this.source.findActiveDevice({ devEui }));
  }

  hasTenant(tenant: string): boolean {
    return this.cache.hasTenant(tenant);
  }

  isKnown(id: string): boolean {
    return this.cache.isKnown(id);
  }

  private miss(key: string, lookup: () => Promise<DeviceInfo | undefined>): undefined | Promise<DeviceInfo | undefined> {
    const now = Date.now();
    const until = this.missing.get(key);
    if (until !== undefined && until > now) return undefined;
    const second = Math.floor(now / 1000);
    if (second !== this.budgetSecond) {
      this.budgetSecond = second;
      this.budget = MISS_LOOKUPS_PER_S;
    }
    if (this.budget <= 0) return undefined;
    this.budget--;
    return lookup().then((device) => {
      if (device) this.cache.add(device);
      else {
        if (this.missing.size > 100_000) this.missing.clear();
        this.missing.set(key, now + NEGATIVE_TTL_MS);
      }
      return device;
    });
  }
}
