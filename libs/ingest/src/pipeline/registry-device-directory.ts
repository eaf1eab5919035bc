import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DeviceInfo, DeviceSource } from '@hv/contracts';
import { StaticDeviceDirectory, type DeviceDirectory } from './device-directory';

export type { DeviceSource } from '@hv/contracts';

/** Full reload period, ms: catches retirements and bulk imports. */
const REFRESH_MS = 60_000;
/** An id found missing is not looked up again for this long, ms. */
const NEGATIVE_TTL_MS = 30_000;
/** Full reloads triggered by misses are at least this far apart, ms. */
const RELOAD_MIN_INTERVAL_MS = 5_000;
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
  private reloading: Promise<void> | undefined;
  private lastReloadMs = 0;

  constructor(
    private readonly source: DeviceSource,
    /** Full reloads triggered by misses are at least this far apart, ms. */
    private readonly reloadMinIntervalMs = RELOAD_MIN_INTERVAL_MS,
  ) {}

  async load(): Promise<number> {
    this.lastReloadMs = Date.now();
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
    return this.cache.byId(id) ?? this.miss(`id:${id}`, () => this.source.findActiveDevice({ id }), () => this.cache.byId(id));
  }

  byDevEui(devEui: string): DeviceInfo | undefined | Promise<DeviceInfo | undefined> {
    return this.cache.byDevEui(devEui) ?? this.miss(`eui:${devEui}`, () => this.source.findActiveDevice({ devEui }), () => this.cache.byDevEui(devEui));
  }

  hasTenant(tenant: string): boolean {
    return this.cache.hasTenant(tenant);
  }

  isKnown(id: string): boolean {
    return this.cache.isKnown(id);
  }

  /**
   * A cache miss: a point lookup while this second's budget lasts; past it, one coalesced
   * full reload (at most every RELOAD_MIN_INTERVAL_MS) answers every waiting miss at once,
   * so a burst of newly provisioned devices is never rejected for want of budget, and a
   * flood of bogus ids costs one reload every few seconds. Lookup errors propagate: the
   * caller holds the message unacknowledged and retries.
   */
  private miss(key: string, lookup: () => Promise<DeviceInfo | undefined>, cached: () => DeviceInfo | undefined): undefined | Promise<DeviceInfo | undefined> {
    const now = Date.now();
    const until = this.missing.get(key);
    if (until !== undefined && until > now) return undefined;
    const second = Math.floor(now / 1000);
    if (second !== this.budgetSecond) {
      this.budgetSecond = second;
      this.budget = MISS_LOOKUPS_PER_S;
    }
    const found = this.budget-- > 0 ? lookup() : this.reloadCoalesced().then(cached);
    return found.then((device) => {
      if (device) this.cache.add(device);
      else this.markMissing(key, now);
      return device;
    });
  }

  private markMissing(key: string, now: number): void {
    if (this.missing.size > 100_000) this.missing.clear();
    this.missing.set(key, now + NEGATIVE_TTL_MS);
  }

  private reloadCoalesced(): Promise<void> {
    this.reloading ??= (async () => {
      const waitMs = this.lastReloadMs + this.reloadMinIntervalMs - Date.now();
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      try {
        await this.load();
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }
}
