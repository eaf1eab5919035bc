import type { Domain } from '@hv/contracts';

/** Who is on the other end of an MQTT connection, once authenticated. */
export type Identity =
  /** Hyperviseur's own services (ingest, telegestion): may read and publish everything. */
  | { kind: 'service'; id: string }
  /** One device: publishes under its own topic, reads its own commands. */
  | { kind: 'device'; id: string; tenant: string; domain: Domain }
  /** A gateway or LoRaWAN network-server bridge: publishes for the devices of its tenant. */
  | { kind: 'gateway'; id: string; tenant: string; network: 'native' | 'chirpstack' | 'tts' };

/** Where a registered, active device belongs: the levels of its topics. */
export interface DeviceHome {
  tenant: string;
  domain: Domain;
}

/** What the broker asks the registry. */
export interface BrokerAuthority {
  /** The identity for these credentials, or null when they are wrong (or retired). */
  authenticate(username: string, password: string): Promise<Identity | null>;
  /** Tenant and domain of an active device, for gateway ACLs. */
  deviceHome(deviceId: string): Promise<DeviceHome | undefined>;
  /** Tenant of a registered LoRaWAN device, for network-server ACLs. */
  devEuiTenant(devEui: string): Promise<string | undefined>;
}
