import { DEVICE_TYPES, type DeviceType, type UplinkChannel } from './domains';
import type { DeviceInfo } from './registry';

/** A field value as InfluxDB stores it. Numbers are always floats (one type per field, no conflicts). */
export type FieldValue = number | boolean | string;

/** One InfluxDB point, independent of any client library. */
export interface Point {
  measurement: string;
  /** Tag values are constrained ids or enum members (see ids.ts); the serialiser escapes anyway. */
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Unix epoch, ms. Same series + same timestamp overwrites: redelivery is idempotent. */
  timestampMs: number;
}

/** Measurement names that are not a device type's telemetry. */
export const MEASUREMENTS = {
  event: 'device_event',
  status: 'device_status',
  ack: 'device_ack',
  /** Messages ingest rejected per report period, by reason and tenant (each is also published on the dead-letter topic). */
  reject: 'ingest_reject',
  /** Telegestion's alarm lifecycle (raised, escalated, suppressed, released, cleared): board annotations and history. */
  alarm: 'alarm_event',
  /** Telegestion's command outcomes (acknowledged, failed, expired). */
  command: 'command_event',
  /** Ingest's own figures per report period (received, stored, spooled, lag…). */
  ingestStats: 'ingest_stats',
  /** Telegestion's count of lost uplinks (sequence gaps over every channel of a device), per tenant, domain and report period. */
  seqGaps: 'seq_gaps',
  /** The same per device, for the devices that lost uplinks in the period (the worst offenders). */
  seqGapsDevice: 'seq_gaps_device',
  /** The ATMO index of each air station and each EPCI, one point per Paris day (libs/aggregates). */
  atmo: 'atmo_index',
  /** Per-commune rollups of the device measurements (libs/aggregates), in the ROLLUP_POLICIES retention policies. */
  lightingRollup: 'lighting_commune',
  heatingRollup: 'heating_commune',
  airRollup: 'air_commune',
  parkingRollup: 'parking_commune',
  /** On-street spots per commune: occupied and observed spot-hours, arrivals (computed by the aggregation, not by InfluxQL). */
  spotRollup: 'parking_spot_commune',
  /**
   * The hours whose per-device hourly means (the `device_h1` policy) are complete: one point
   * per hour, written once the hour was rolled up after its end (libs/aggregates); the
   * device history reads those hours from `device_h1` and the others from the raw points.
   */
  deviceRollupHours: 'device_rollup_hours',
} as const;

/** Static attributes from the registry that are stored as tags (for board filters). */
export interface DeviceTags {
  tenant: string;
  device: string;
  type: DeviceType;
  /** EPCI (SIREN) of the tenant, when the tenant is a commune. */
  epci?: string | null;
  /** Cabinet that feeds a luminaire. */
  cabinet?: string | null;
  /** Geohash of the device's position (registry attributes lat/lon), for maps. */
  geohash?: string | undefined;
}

export function measurementOf(type: DeviceType, channel: UplinkChannel): string {
  return channel === 'telemetry' ? DEVICE_TYPES[type].measurement : MEASUREMENTS[channel];
}

/** Keys of an uplink that become tags rather than fields. */
export const TAG_KEYS: Partial<Record<UplinkChannel, readonly string[]>> = {
  event: ['event', 'code'],
  ack: ['status'],
  status: ['reason'],
};

/**
 * Maps a validated uplink onto a point: every payload key but `ts` is a field, except the
 * few enum-valued keys that boards filter on, which are tags.
 */
export function toPoint(
  device: DeviceTags,
  channel: UplinkChannel,
  payload: Record<string, unknown>,
  receivedAtMs: number,
): Point {
  const tags: Record<string, string> = { tenant: device.tenant, device: device.device };
  if (device.epci) tags.epci = device.epci;
  if (device.cabinet) tags.cabinet = device.cabinet;
  if (device.geohash) tags.geohash = device.geohash;
  // A status (last will) may carry no field but `online`; every point needs one field.
  return completePoint(tags, device.type, channel, payload, typeof payload.ts === 'number' ? payload.ts : receivedAtMs);
}

/** What pointOfReading needs of a validated uplink (@hv/uplink's Reading has this shape). */
export interface ReadingFacts {
  device: DeviceInfo;
  channel: UplinkChannel;
  body: object;
  /** Device time, epoch ms (the payload's ts, or the receive time when it had none). */
  ts: number;
}

/**
 * The mapping of a reading onto its InfluxDB point, as toPoint: the registry's record gives
 * the tags, the body the fields. `geohash` is the device's position, which the caller
 * computes once per registry record rather than per message. Builds the tags straight
 * from the record (no intermediate DeviceTags): it runs once per stored message.
 */
export function pointOfReading(reading: ReadingFacts, geohash?: string): Point {
  const d = reading.device;
  return completePoint(registryTagsOf(d, geohash), d.type, reading.channel, reading.body as Record<string, unknown>, reading.ts);
}

/** The tags a reading's point takes from the registry's record alone: a telemetry point's whole tag set. */
export function registryTagsOf(d: DeviceInfo, geohash?: string): Record<string, string> {
  const tags: Record<string, string> = { tenant: d.tenant, device: d.id };
  if (d.epci) tags.epci = d.epci;
  if (d.cabinet) tags.cabinet = d.cabinet;
  if (geohash) tags.geohash = geohash;
  return tags;
}

/** Adds the channel's tags (type and domain but for telemetry, enum-valued keys) and the fields. */
function completePoint(tags: Record<string, string>, type: DeviceType, channel: UplinkChannel, payload: Record<string, unknown>, timestampMs: number): Point {
  if (channel !== 'telemetry') {
    tags.type = type;
    tags.domain = DEVICE_TYPES[type].domain;
  }
  const tagKeys = TAG_KEYS[channel];
  const fields: Record<string, FieldValue> = {};
  for (const key in payload) {
    if (key === 'ts') continue;
    const value = payload[key];
    if (value === undefined || value === null) continue;
    if (tagKeys?.includes(key)) tags[key] = String(value);
    else fields[key] = value as FieldValue;
  }
  return { measurement: measurementOf(type, channel), tags, fields, timestampMs };
}
