import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { codecProfileSchema, describeIssues, type CodecProfile, type DeviceInfo, type DeviceSource } from '@hv/contracts';
import { StaticDeviceDirectory, type DeviceDirectory } from './device-directory';

export type { DeviceSource } from '@hv/contracts';

/** Full reload period, ms: catches retirements and bulk imports. */
const REFRESH_MS = 60_000;
/** An id found missing is not looked up again for this long, ms. */
const NEGATIVE_TTL_MS = 30_000;
/** Ids per lookup query at most; more wait for the next one. */
const LOOKUP_BATCH = 5_000;

type Key = `id:${string}` | `eui:${string}`;
type Waiter = { resolve: (d: DeviceInfo | undefined) => void; reject: (e: Error) => void };

/**
 * The registry in memory (≈ 100 bytes a device; the Aisne's 100k devices ≈ 10 MB), so the
 * hot path never waits on PostgreSQL for a known device. Ids not in memory are looked up
 * together: one query at a time, carrying every miss that arrived while the previous one
 * ran. A device provisioned since the last reload is found within one query; a flood of
 * bogus ids costs one indexed query per batch, and no message waits for a full reload
 * (waiting for one would stall every consumer behind a flood of unknown ids).
 */
@Injectable()
export class RegistryDeviceDirectory implements DeviceDirectory, OnModuleDestroy {
  private readonly logger = new Logger(RegistryDeviceDirectory.name);
  private cache = new StaticDeviceDirectory([]);
  private readonly missing = new Map<string, number>();
  private queued = new Map<Key, Waiter[]>();
  private looking = false;
  private timer: NodeJS.Timeout | undefined;
  /** Model id → codec profile: one object shared by every device of the model. */
  private codecs = new Map<string, CodecProfile>();

  constructor(private readonly source: DeviceSource) {}

  async load(): Promise<number> {
    const [devices] = await Promise.all([this.source.listActiveDevices(), this.loadCodecs()]);
    this.cache = new StaticDeviceDirectory(devices.map((d) => this.withCodec(d)));
    this.missing.clear();
    return devices.length;
  }

  private async loadCodecs(): Promise<void> {
    const models = (await this.source.listModelCodecs?.()) ?? [];
    this.codecs = new Map(models.map((m) => [m.id, this.checked(m.id, m.codec)]));
  }

  /**
   * A stored profile is validated when written; one changed behind the API's back (psql)
   * and now malformed maps nothing, so each uplink of its devices is refused naming its
   * fields, rather than breaking the normaliser.
   */
  private checked(model: string, codec: unknown): CodecProfile {
    const parsed = codecProfileSchema.safeParse(codec);
    if (parsed.success) return parsed.data;
    this.logger.warn(`device model ${model}: its codec profile is invalid (${describeIssues(parsed.error)}); its devices' uplinks will be refused`);
    return { fields: {}, ignore: [] };
  }

  /** The device with its model's profile attached (the row carries only the model id). */
  private withCodec(d: DeviceInfo): DeviceInfo {
    const codec = d.model ? this.codecs.get(d.model) : undefined;
    return codec ? { ...d, codec } : d;
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
    return this.cache.byId(id) ?? this.miss(`id:${id}`);
  }

  byDevEui(devEui: string): DeviceInfo | undefined | Promise<DeviceInfo | undefined> {
    return this.cache.byDevEui(devEui) ?? this.miss(`eui:${devEui.toLowerCase()}`);
  }

  hasTenant(tenant: string): boolean {
    return this.cache.hasTenant(tenant);
  }

  isKnown(id: string): boolean {
    return this.cache.isKnown(id);
  }

  /**
   * A cache miss: unknown for NEGATIVE_TTL_MS after a lookup said so; otherwise queued for
   * the next lookup query. Lookup errors propagate: the caller holds the message
   * unacknowledged and retries.
   */
  private miss(key: Key): undefined | Promise<DeviceInfo | undefined> {
    const until = this.missing.get(key);
    if (until !== undefined && until > Date.now()) return undefined;
    return new Promise((resolve, reject) => {
      const waiters = this.queued.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.queued.set(key, [{ resolve, reject }]);
      if (!this.looking) {
        // From the next turn of the loop: every miss of this socket read goes in one query.
        this.looking = true;
        setImmediate(() => void this.lookUp());
      }
    });
  }

  private async lookUp(): Promise<void> {
    while (this.queued.size > 0) {
      const batch = new Map<Key, Waiter[]>();
      for (const [key, waiters] of this.queued) {
        if (batch.size >= LOOKUP_BATCH) break;
        batch.set(key, waiters);
        this.queued.delete(key);
      }
      const ids: string[] = [];
      const devEuis: string[] = [];
      for (const key of batch.keys()) (key.startsWith('id:') ? ids : devEuis).push(key.slice(key.indexOf(':') + 1));
      try {
        const found = await this.source.findActiveDevices({ ids, devEuis });
        // A model registered since the last load: its profile is read before the device is used.
        if (found.some((d) => d.model && !this.codecs.has(d.model))) await this.loadCodecs();
        for (const device of found) this.cache.add(this.withCodec(device));
        const now = Date.now();
        for (const [key, waiters] of batch) {
          const device = key.startsWith('id:') ? this.cache.byId(key.slice(3)) : this.cache.byDevEui(key.slice(4));
          if (!device) this.markMissing(key, now);
          for (const w of waiters) w.resolve(device);
        }
      } catch (error) {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(error as Error);
      }
    }
    this.looking = false;
  }

  private markMissing(key: string, now: number): void {
    if (this.missing.size > 100_000) this.missing.clear();
    this.missing.set(key, now + NEGATIVE_TTL_MS);
  }
}
