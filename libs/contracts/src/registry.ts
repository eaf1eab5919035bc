import type { CodecProfile } from './codecs/codec-profile.schema';
import type { DeviceType } from './domains';

/**
 * Why ingest refuses a message (DEVICE-CONTRACT.md, "Dead letters"): each is counted and
 * published on `hv/dlq/v1/{reason}`. Part of the contract, since simulators produce one
 * message per reason and operators subscribe to them.
 */
export const REJECT_REASONS = [
  'oversized',
  'bad_topic',
  'unexpected_channel',
  'malformed_json',
  'schema',
  'unknown_device',
  'unknown_dev_eui',
  'tenant_mismatch',
  'domain_mismatch',
  'timestamp_future',
  'timestamp_past',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A registered device as ingest sees it: the registry's answer, a simulated fleet's view. */
export interface DeviceInfo {
  id: string;
  tenant: string;
  type: DeviceType;
  /** The EPCI (SIREN) of the device's commune; null when the tenant is not a commune or has none. */
  epci: string | null;
  /** The lighting cabinet feeding it (`attributes.cabinet`). */
  cabinet: string | null;
  devEui: string | null;
  /** Static attributes (rated power, coordinates, policy…): what telegestion's rules read. */
  attributes?: Record<string, unknown>;
  /** The device model (registry `devices.model`), null or absent when none is declared. */
  model?: string | null;
  /**
   * The model's codec profile: how its network server's decoder output becomes telemetry.
   * Absent: the decoded object must already carry the contract's fields.
   */
  codec?: CodecProfile;
}

/** A registered device model as ingest needs it: its codec profile. */
export interface DeviceModelCodec {
  id: string;
  codec: CodecProfile;
}

/** The part of the registry ingest reads (implemented by @hv/state's DeviceRepository). */
export interface DeviceSource {
  listActiveDevices(): Promise<DeviceInfo[]>;
  /** The active devices among these ids and DevEUIs (lower case), in one query. */
  findActiveDevices(by: { ids: readonly string[]; devEuis: readonly string[] }): Promise<DeviceInfo[]>;
  /** Every device model's codec profile (tens of rows): read with the devices. */
  listModelCodecs?(): Promise<DeviceModelCodec[]>;
}
