import { Injectable } from '@nestjs/common';
import { DEVICE_TYPES, MEASUREMENTS, type DeviceType } from '@hv/contracts';
import type { Device } from '@hv/state';
import { influxIdent, InfluxRepository, type Row } from '@hv/timeseries';

/** Tags every device point carries; the rest of a row is its fields. */
const TAG_COLUMNS = new Set(['tenant', 'device', 'epci', 'cabinet', 'geohash', 'type', 'domain']);

/**
 * Raw points up to this many in a range; past it the history is averaged per bucket, the
 * smallest of BUCKETS that keeps at most MAX_POINTS (a luminaire's 10-min telemetry over a
 * year: 52,560 raw points, 366 daily means).
 */
export const MAX_POINTS = 1_000;
export const BUCKETS: Array<[string, number]> = [
  ['1m', 60_000], ['5m', 300_000], ['15m', 900_000], ['1h', 3_600_000], ['6h', 21_600_000], ['1d', 86_400_000], ['7d', 604_800_000],
];

/** Raw points returned at most (a device reporting faster than its type's expected rate). */
export const MAX_RAW_POINTS = 10 * MAX_POINTS;

/** The bucket a range is averaged in, or null for raw points (at most MAX_POINTS at the type's expected rate). */
export function bucketFor(type: DeviceType, fromMs: number, toMs: number): string | null {
  const span = toMs - fromMs;
  if (span / (DEVICE_TYPES[type].expectedIntervalS * 1000) <= MAX_POINTS) return null;
  return (BUCKETS.find(([, ms]) => span / ms <= MAX_POINTS) ?? BUCKETS[BUCKETS.length - 1]!)[0];
}

/** A device's points in InfluxDB: its latest reading and status, and its history (downsampled for long ranges). */
@Injectable()
export class DeviceSeriesService {
  constructor(private readonly influx: InfluxRepository) {}

  async latest(device: Device): Promise<{ telemetry: Row | null; status: Row | null }> {
    const measurement = influxIdent(DEVICE_TYPES[device.type].measurement);
    const [telemetry, status] = await this.influx.queryMulti(
      `SELECT * FROM ${measurement} WHERE device = $device ORDER BY time DESC LIMIT 1; ` +
        `SELECT * FROM ${influxIdent(MEASUREMENTS.status)} WHERE device = $device ORDER BY time DESC LIMIT 1`,
      { device: device.id },
    );
    return { telemetry: fieldsOf(telemetry?.series[0]?.rows[0]), status: fieldsOf(status?.series[0]?.rows[0]) };
  }

  async history(device: Device, fromMs: number, toMs: number, every?: string): Promise<{ every: string | null; truncated: boolean; points: Row[] }> {
    const measurement = influxIdent(DEVICE_TYPES[device.type].measurement);
    const bucket = every ?? bucketFor(device.type, fromMs, toMs);
    const params = { device: device.id, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
    const range = `WHERE device = $device AND time >= $from AND time < $to`;
    if (bucket === null) {
      const { series } = await this.influx.query(`SELECT * FROM ${measurement} ${range} ORDER BY time LIMIT ${MAX_RAW_POINTS + 1}`, params);
      const rows = series[0]?.rows ?? [];
      return { every: null, truncated: rows.length > MAX_RAW_POINTS, points: rows.slice(0, MAX_RAW_POINTS).map((r) => fieldsOf(r)!) };
    }
    // MEAN(*) averages the numeric fields (every number is stored as a float); empty buckets are left out.
    const { series } = await this.influx.query(`SELECT MEAN(*) FROM ${measurement} ${range} GROUP BY time(${bucket}) fill(none)`, params);
    return { every: bucket, truncated: false, points: series[0] ? meansOf(series[0]) : [] };
  }
}

/**
 * Bucket rows as points: `mean_x` named `x`, `time` as an ISO string. The names are worked
 * out once per answer, not per row: 30 days of a luminaire are 720 rows of 11 columns, and
 * renaming each row's entries was the API's largest cost on that route (`npm run bench -- api`,
 * CPU profile: ≈ 8 ms of ≈ 45 ms per request).
 */
function meansOf(series: { columns: string[]; rows: Row[] }): Row[] {
  const names = series.columns.map((c) => [c, c === 'time' ? c : c.replace(/^mean_/, '')] as const);
  return series.rows.map((r) => {
    const point: Row = {};
    for (const [column, name] of names) point[name] = column === 'time' ? new Date(r[column] as number).toISOString() : r[column];
    return point;
  });
}

/** A row without its tags, `time` as an ISO string. */
function fieldsOf(row: Row | undefined): Row | null {
  if (!row) return null;
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (TAG_COLUMNS.has(key)) continue;
    if (value === null) continue;
    out[key] = key === 'time' ? new Date(value as number).toISOString() : value;
  }
  return out;
}
