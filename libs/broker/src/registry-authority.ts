import { createHash, timingSafeEqual } from 'node:crypto';
import { DEVICE_TYPES, GATEWAY_USERNAME_PREFIX, type DeviceType, type Domain } from '@hv/contracts';
import type { CredentialEvent } from './credential-events';
import type { BrokerAuthority, DeviceHome, Identity } from './identity';

/** What the broker needs from the registry (implemented by @hv/state's repositories). */
export interface CredentialStore {
  verifyDevice(id: string, secret: string): Promise<{ id: string; tenant: string; type: DeviceType } | null>;
  verifyGateway(id: string, secret: string): Promise<{ id: string; tenant: string; network: 'native' | 'chirpstack' | 'tts' } | null>;
  deviceHome(id: string): Promise<DeviceHome | undefined>;
  devEuiTenant(devEui: string): Promise<string | undefined>;
}

export interface ServiceAccount {
  username: string;
  password: string;
}

/** A successful check is trusted again for this long without a new scrypt (reconnect storms). */
const VERIFIED_TTL_MS = 5 * 60_000;
/**
 * Device lookups for gateway ACLs are cached this long. A retirement or a move drops them
 * at once (credential events); the TTL bounds staleness if the event feed is down.
 */
const LOOKUP_TTL_MS = 60_000;
const CACHE_MAX = 200_000;
/** A verification overtaken by credential events this many times in a row is refused. */
const MAX_VERIFY_ATTEMPTS = 3;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Authenticates MQTT clients against the registry:
 * - the services' own account (configuration), compared in constant time;
 * - `gateway:{id}` → a gateway or network-server bridge of one tenant;
 * - anything else → a device id with its own secret.
 * scrypt verification costs milliseconds by design; a successful verification is cached by
 * (username, sha256(password)) for 5 minutes so that a fleet reconnecting after a broker
 * restart does not queue thousands of scrypt runs. A failed one is never cached, and a
 * credential event drops the identity's entries at once (`forgetIdentity`).
 */
export class RegistryBrokerAuthority implements BrokerAuthority {
  private readonly verified = new Map<string, { identity: Identity; until: number }>();
  /** username → its keys in `verified`, so that one identity is forgotten without a scan. */
  private readonly keysOf = new Map<string, Set<string>>();
  private readonly lookups = new Map<string, { value: unknown; until: number }>();
  private readonly service: { username: string; digest: Buffer };
  /**
   * Registry reads in flight, by cache key. A credential event marks those of its identity
   * stale (a reset marks all): what they read may predate the change, so it is neither
   * trusted nor cached. Per key, so that a bulk retirement does not disturb other logins.
   */
  private readonly reading = new Map<string, Set<{ stale: boolean }>>();
  /**
   * Lookups in flight, by cache key: the publishes that miss the cache for one device at
   * once (a gateway's window of QoS 1 messages when its entry expires) share one registry
   * read instead of queueing one each on the pool, where they waited past its connection
   * timeout under load and the refused publishes closed the gateway's connection.
   */
  private readonly pendingLookups = new Map<string, Promise<{ value: unknown; stale: boolean }>>();

  constructor(
    service: ServiceAccount,
    private readonly store: CredentialStore,
    private readonly now: () => number = Date.now,
  ) {
    this.service = { username: service.username, digest: sha256(service.password) };
  }

  async authenticate(username: string, password: string): Promise<Identity | null> {
    if (username === this.service.username) {
      return timingSafeEqual(sha256(password), this.service.digest) ? { kind: 'service', id: username } : null;
    }
    const key = `${username}\u0000${sha256(password).toString('base64')}`;
    const hit = this.verified.get(key);
    if (hit && hit.until > this.now()) return hit.identity;
    for (let attempt = 0; attempt < MAX_VERIFY_ATTEMPTS; attempt++) {
      const { value: identity, stale } = await this.read(`u:${username}`, () => this.verify(username, password));
      // A retirement or rotation committed while scrypt ran: what was read may be the old row.
      if (stale) continue;
      if (identity) this.rememberVerified(username, key, identity);
      return identity;
    }
    return null;
  }

  /** Runs one registry read, telling whether a credential event made it stale meanwhile. */
  private async read<T>(key: string, run: () => Promise<T>): Promise<{ value: T; stale: boolean }> {
    const ticket = { stale: false };
    let tickets = this.reading.get(key);
    if (!tickets) this.reading.set(key, (tickets = new Set()));
    tickets.add(ticket);
    try {
      return { value: await run(), stale: ticket.stale };
    } finally {
      tickets.delete(ticket);
      if (tickets.size === 0 && this.reading.get(key) === tickets) this.reading.delete(key);
    }
  }

  private markStale(key: string): void {
    for (const ticket of this.reading.get(key) ?? []) ticket.stale = true;
  }

  private async verify(username: string, password: string): Promise<Identity | null> {
    if (username.startsWith(GATEWAY_USERNAME_PREFIX)) {
      const gateway = await this.store.verifyGateway(username.slice(GATEWAY_USERNAME_PREFIX.length), password);
      return gateway && { kind: 'gateway', id: gateway.id, tenant: gateway.tenant, network: gateway.network };
    }
    const device = await this.store.verifyDevice(username, password);
    if (!device) return null;
    const domain: Domain = DEVICE_TYPES[device.type].domain;
    return { kind: 'device', id: device.id, tenant: device.tenant, domain };
  }

  deviceHome(deviceId: string): Promise<DeviceHome | undefined> {
    return this.lookup(`d:${deviceId}`, () => this.store.deviceHome(deviceId));
  }

  devEuiTenant(devEui: string): Promise<string | undefined> {
    return this.lookup(`e:${devEui}`, () => this.store.devEuiTenant(devEui));
  }

  private async lookup<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = this.lookups.get(key);
    if (hit && hit.until > this.now()) return hit.value as T;
    let pending = this.pendingLookups.get(key);
    if (!pending) {
      const started: Promise<{ value: unknown; stale: boolean }> = this.read(key, read).finally(() => {
        if (this.pendingLookups.get(key) === started) this.pendingLookups.delete(key);
      });
      this.pendingLookups.set(key, (pending = started));
    }
    const { value, stale } = await pending;
    if (!stale) this.remember(this.lookups, key, { value, until: this.now() + LOOKUP_TTL_MS });
    return value as T;
  }

  private rememberVerified(username: string, key: string, identity: Identity): void {
    this.remember(this.verified, key, { identity, until: this.now() + VERIFIED_TTL_MS });
    let keys = this.keysOf.get(username);
    if (!keys) this.keysOf.set(username, (keys = new Set()));
    keys.add(key);
  }

  /** Bounded caches: past CACHE_MAX entries the oldest go (Map keeps insertion order). */
  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  }

  /** One identity's credentials or placement changed: forget its logins and lookups. */
  forgetIdentity(event: CredentialEvent): void {
    const username = event.kind === 'gateway' ? `${GATEWAY_USERNAME_PREFIX}${event.id}` : event.id;
    this.markStale(`u:${username}`);
    for (const key of this.keysOf.get(username) ?? []) this.verified.delete(key);
    this.keysOf.delete(username);
    const lookups = [...(event.kind === 'device' ? [`d:${event.id}`] : []), ...event.devEuis.map((eui) => `e:${eui.toLowerCase()}`)];
    for (const key of lookups) {
      this.markStale(key);
      this.lookups.delete(key);
      this.pendingLookups.delete(key); // later lookups read afresh rather than join a stale read
    }
  }

  /** Forget every cached verification and lookup (the event feed may have missed some). */
  forget(): void {
    for (const key of this.reading.keys()) this.markStale(key);
    this.pendingLookups.clear();
    this.verified.clear();
    this.keysOf.clear();
    this.lookups.clear();
  }
}
