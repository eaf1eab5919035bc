import { z } from 'zod';
import { ACK_SCHEMAS, EVENT_SCHEMAS, statusSchema, TELEMETRY_SCHEMAS } from './contract';
import { DEVICE_TYPE_NAMES, DEVICE_TYPES, DOMAINS, type DeviceType } from './domains';
import { MEASUREMENTS, TAG_KEYS } from './point';

/**
 * The platform's own measurements: what telegestion and ingest write about themselves.
 * Device measurements come from the schemas; these are declared here, and their writers
 * (telegestion-events.ts, sequence-gap.counter.ts, ingest-report.ts) build points from these names.
 */
export const PLATFORM_POINTS = {
  /**
   * Every alarm transition (`event`: raised, suppressed, adopted, released, escalated, cleared).
   * `active` is 1 while the alarm counts as open (0 once cleared, or while explained by a parent).
   */
  [MEASUREMENTS.alarm]: {
    tags: ['tenant', 'device', 'domain', 'type', 'kind', 'severity', 'event'],
    fields: ['alarm_id', 'severity_rank', 'active', 'suppressed', 'value', 'savings_kwh', 'savings_eur', 'savings_kgco2'],
  },
  /** Every command outcome (`event`: acknowledged, failed, expired). */
  [MEASUREMENTS.command]: {
    tags: ['tenant', 'device', 'domain', 'reason', 'event'],
    fields: ['cmd_id', 'attempts', 'duration_ms', 'level_pct', 'reported_level_pct', 'error'],
  },
  /** Ingest's own figures, one point per instance and report period (HV_INGEST_REPORT_S). */
  [MEASUREMENTS.ingestStats]: {
    tags: ['instance'],
    fields: ['received', 'stored_points', 'spooled_points', 'replayed_points', 'quarantined_points', 'rejected', 'spool_bytes', 'inflight', 'lag_max_ms'],
  },
  /** Messages ingest rejected in a report period, by reason and tenant (`_unregistered` for ids the registry does not know). */
  [MEASUREMENTS.reject]: {
    tags: ['reason', 'tenant'],
    fields: ['count'],
  },
  /**
   * Uplinks lost per tenant and domain in a report period (HV_TELEGESTION_GAPS_REPORT_S),
   * from the `seq` a device's telemetry, events and acks take from one sequence (a LoRaWAN
   * device's frame counter). `received`: uplinks that moved the sequence on or filled a
   * hole; `lost`: numbers skipped, less the holes late uplinks filled in the period (so a
   * period may be −1 when an uplink arrives late across a period's end; sums over a range
   * are exact); `expected` = received + lost; `duplicates`: numbers seen again
   * (redeliveries); `resets`: sequences started again (a reboot, a LoRaWAN rejoin).
   */
  [MEASUREMENTS.seqGaps]: {
    tags: ['tenant', 'epci', 'domain'],
    fields: ['received', 'lost', 'expected', 'duplicates', 'resets'],
  },
  /** `lost` as above for one device, written only for the devices whose count moved in the period. */
  [MEASUREMENTS.seqGapsDevice]: {
    tags: ['tenant', 'epci', 'domain', 'device'],
    fields: ['lost'],
  },
  /**
   * The ATMO index of a Paris day (timestamp: its midnight), per station (`scope` station:
   * tenant, device, epci) and per EPCI (`scope` epci: the worst station of the EPCI).
   * `available` is 0 when the index is "indisponible" (then no `index`); `index` 1–6 and the
   * pollutants' sub-indices; `responsible`: the pollutants whose sub-index is the index.
   */
  [MEASUREMENTS.atmo]: {
    tags: ['scope', 'tenant', 'device', 'epci'],
    fields: ['available', 'index', 'pm25_index', 'pm10_index', 'no2_index', 'o3_index', 'so2_index', 'responsible', 'stations'],
  },
  /**
   * Rollups per commune (tags tenant, epci) and period (ROLLUP_POLICIES: h1 hourly, d1 daily):
   * the luminaires' mean level, their summed mean power (W), the energy they used (Wh), hours
   * lit (summed over luminaires), devices that reported, readings received.
   */
  [MEASUREMENTS.lightingRollup]: {
    tags: ['tenant', 'epci'],
    fields: ['level_pct', 'power_w', 'energy_wh', 'lit_h', 'devices', 'readings'],
  },
  /** Boiler rooms per commune: mean flow and room temperatures, outdoor min/max (degree-days), gas used (kWh), burner hours. */
  [MEASUREMENTS.heatingRollup]: {
    tags: ['tenant', 'epci'],
    fields: ['flow_c', 'room_c', 'outdoor_min_c', 'outdoor_max_c', 'gas_kwh', 'burner_h', 'devices', 'readings'],
  },
  /** Air stations per commune: mean concentrations (µg/m³). */
  [MEASUREMENTS.airRollup]: {
    tags: ['tenant', 'epci'],
    fields: ['pm25_ugm3', 'pm10_ugm3', 'no2_ugm3', 'o3_ugm3', 'so2_ugm3', 'devices', 'readings'],
  },
  /** Car parks per commune: occupied and total spots (summed over car parks), vehicles in. */
  [MEASUREMENTS.parkingRollup]: {
    tags: ['tenant', 'epci'],
    fields: ['occupied', 'capacity', 'entries', 'devices', 'readings'],
  },
  /**
   * On-street spots per commune: spot-hours occupied and spot-hours with a known state
   * (a sensor silent for longer than SPOT_STATE_HOLD_MS is not observed), arrivals (a free
   * spot seen occupied), spots observed in the period. Occupancy = occupied_h / observed_h.
   */
  [MEASUREMENTS.spotRollup]: {
    tags: ['tenant', 'epci'],
    fields: ['occupied_h', 'observed_h', 'arrivals', 'spots'],
  },
  /**
   * In `device_h1`: one point per UTC hour whose per-device means are complete, `rolled_at_ms`
   * the time (Unix ms) of the run that wrote them, after the hour's end. The means themselves
   * are in `device_h1` under the device measurements' own names, tags and `mean_<field>`
   * fields (`SELECT MEAN(*) … GROUP BY time(1h), *`), for the types reporting more often than
   * hourly (DEVICE_ROLLUP_TYPES).
   */
  [MEASUREMENTS.deviceRollupHours]: {
    tags: [],
    fields: ['rolled_at_ms'],
  },
} as const satisfies Record<string, { tags: readonly string[]; fields: readonly string[] }>;

/**
 * Retention policies of the rollups (their measurements are declared above): `h1` holds
 * hourly points for two years, `d1` daily points for ever. Raw points stay in the
 * database's default policy. Shard groups are long (InfluxDB's default is 7 days for both):
 * a year-long query then opens a few shards per series instead of 52 (about twice as fast
 * for a year of the Aisne's daily lighting rollup).
 * `device_h1` holds each device's hourly means for 45 days (DEVICE_ROLLUP_TYPES): what the
 * device history serves in hourly buckets (ranges of 7 to 41 days) without averaging the
 * raw points again at every request.
 */
export const DEVICE_ROLLUP_DAYS = 45;
export const ROLLUP_POLICIES = {
  h1: { period: '1h', duration: '730d', shard: '4w' },
  d1: { period: '1d', duration: 'INF', shard: '260w' },
  device_h1: { period: '1h', duration: `${DEVICE_ROLLUP_DAYS}d`, shard: '4w' },
} as const;
export type RollupPolicy = keyof typeof ROLLUP_POLICIES;

/**
 * The types whose telemetry is averaged per device and hour into `device_h1`: those that
 * report more often than hourly (an hourly heartbeat's means would be its raw points again).
 */
export const DEVICE_ROLLUP_TYPES: readonly DeviceType[] = DEVICE_TYPE_NAMES.filter((t) => DEVICE_TYPES[t].expectedIntervalS < 3600);

export type PlatformMeasurement = keyof typeof PLATFORM_POINTS;
export type PlatformField<M extends PlatformMeasurement> = (typeof PLATFORM_POINTS)[M]['fields'][number];
export type PlatformTag<M extends PlatformMeasurement> = (typeof PLATFORM_POINTS)[M]['tags'][number];

/** Tags of every device point (telemetry and the other uplinks); see `toPoint`. */
export const DEVICE_POINT_TAGS = ['tenant', 'device', 'epci', 'cabinet', 'geohash'] as const;

export interface MeasurementShape {
  tags: ReadonlySet<string>;
  fields: ReadonlySet<string>;
}

/**
 * Every measurement Hyperviseur writes, with its tags and fields, derived from the same
 * schemas ingest validates against: what a query (a board's, a KPI's) may name.
 */
export function measurementCatalogue(): ReadonlyMap<string, MeasurementShape> {
  const out = new Map<string, { tags: Set<string>; fields: Set<string> }>();
  const add = (measurement: string, tags: readonly string[], fields: Iterable<string>) => {
    const m = out.get(measurement) ?? { tags: new Set<string>(), fields: new Set<string>() };
    for (const t of tags) m.tags.add(t);
    for (const f of fields) if (!m.tags.has(f)) m.fields.add(f);
    out.set(measurement, m);
  };
  for (const type of DEVICE_TYPE_NAMES) add(DEVICE_TYPES[type].measurement, DEVICE_POINT_TAGS, keysOf(TELEMETRY_SCHEMAS[type]));
  const other = [...DEVICE_POINT_TAGS, 'type', 'domain'];
  for (const domain of DOMAINS) {
    add(MEASUREMENTS.event, [...other, ...TAG_KEYS.event!], keysOf(EVENT_SCHEMAS[domain]));
    add(MEASUREMENTS.ack, [...other, ...TAG_KEYS.ack!], keysOf(ACK_SCHEMAS[domain]));
  }
  add(MEASUREMENTS.status, [...other, ...TAG_KEYS.status!], keysOf(statusSchema));
  for (const [measurement, shape] of Object.entries(PLATFORM_POINTS)) add(measurement, shape.tags, shape.fields);
  for (const m of out.values()) m.fields.delete('ts');
  return out;
}

/** The keys an object schema (or any member of a union of them) may carry. */
function keysOf(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def: { type: string; options?: z.ZodType[]; innerType?: z.ZodType; in?: z.ZodType } }).def;
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (def.options) return def.options.flatMap(keysOf);
  if (def.innerType) return keysOf(def.innerType);
  if (def.in) return keysOf(def.in);
  throw new Error(`measurementCatalogue: no keys in a ${def.type} schema`);
}
