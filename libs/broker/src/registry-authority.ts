import { createHash, timingSafeEqual } from 'node:crypto';
import { DEVICE_TYPES, type DeviceType, type Domain } from '@hv/contracts';
import type { BrokerAuthority, Identity } from './identity';

/** MQTT usernames of gateways and network-server bridges: `gateway:{id}` (':' is never in a device id). */
export const GATEWAY_USERNAME_PREFIX = 'gateway:';

/** What the broker needs from the registry (implemented by @hv/state's repositories). */
export interface CredentialStore {
  verifyDevice(id: string, secret: string): Promise<{ id: string; tenant: string; type: DeviceType } | null>;
  verifyGateway(id: string, secret: string): Promise<{ id: string; tenant: string; network: 'native' | 'chirpstack' | 'tts' } | null>;
  deviceTenant(id: string): Promise<string | undefined>;
  devEuiTenant(devEui: string): Promise<string | undefined>;
}

export interface ServiceAccount {
  username: string;
  password: string;
}

/** A successful check is trusted again for this long without a new scrypt (reconnect storms). */
const VERIFIED_TTL_MS = 5 * 60_000;
/** Tenant lookups for gateway ACLs are cached this long (a retirement takes effect within it). */
const TENANT_TTL_MS = 60_000;
const CACHE_MAX = 200_000;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Authenticates MQTT clients against the registry:
 * - the services' own account (configuration), compared in constant time;
 * - `gateway:{id}` → a gateway or network-server bridge of one tenant;
 * - anything else → a device id with its own secret.
 * scrypt verification costs milliseconds by design; a successful verification is cached by
 * (username, sha256(password)) for 5 minutes so that a fleet reconnecting after a broker
 * restart does not queue thousands of scrypt runs. A failed one is never cached.
 */
export class RegistryBrokerAuthority implements BrokerAuthority {
  private readonly verified = new Map<string, { identity: Identity; until: number }>();
  private readonly tenants = new Map<string, { tenant: string | undefined; until: number }>();
  private readonly service: { username: string; digest: Buffer };

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
    const identity = await this.verify(username, password);
    if (identity) this.remember(this.verified, key, { identity, until: this.now() + VERIFIED_TTL_MS });
    return identity;
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

  deviceTenant(deviceId: string): Promise<string | undefined> {
    return this.tenantOf(`d:${deviceId}`, () => this.store.deviceTenant(deviceId));
  }

  devEuiTenant(devEui: string): Promise<string | undefined> {
    return this.tenantOf(`e:${devEui}`, () => this.store.devEuiTenant(devEui));
  }

  private async tenantOf(key: string, lookup: () => Promise<string | undefined>): Promise<string | undefined> {
    const hit = this.tenants.get(key);
    if (hit && hit.until > this.now()) return hit.tenant;
    const tenant = await lookup();
    this.remember(this.tenants, key, { tenant, until: this.now() + TENANT_TTL_MS });
    return tenant;
  }

  /** Bounded caches: past CACHE_MAX entries the oldest go (Map keeps insertion order). */
  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  }

  /** Forget cached verifications (after a credential rotation or retirement). */
  forget(): void {
    this.verified.clear();
    this.tenants.clear();
  }
}
