import { Injectable } from '@nestjs/common';
import { DEVICE_ROLLUP_DAYS, DEVICE_ROLLUP_TYPES, DEVICE_TYPES, MEASUREMENTS, type DeviceType } from '@hv/contracts';
import { TtlCache } from '@hv/cache';
import type { Device } from '@hv/state';
import { influxIdent, InfluxRejectedError, InfluxRepository, type ColumnSeries, type QueryParams, type Row } from '@hv/timeseries';

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

const HOUR_MS = 3_600_000;

/**
 * Stretches of an hourly history read from the raw points at most; past it (a ledger with
 * holes everywhere) the whole range is averaged from the raw points, as without rollups.
 */
export const MAX_RAW_STRETCHES = 24;

/** How long the ledger of complete hours is kept before it is read again. */
export const LEDGER_TTL_MS = 60_000;

/** The bucket a range is averaged in, or null for raw points (at most MAX_POINTS at the type's expected rate). */
export function bucketFor(type: DeviceType, fromMs: number, toMs: number): string | null {
  const span = toMs - fromMs;
  if (span / (DEVICE_TYPES[type].expectedIntervalS * 1000) <= MAX_POINTS) return null;
  return (BUCKETS.find(([, ms]) => span / ms <= MAX_POINTS) ?? BUCKETS[BUCKETS.length - 1]!)[0];
}

/** A device's points in InfluxDB: its latest reading and status, and its history (downsampled for long ranges). */
@Injectable()
export class DeviceSeriesService {
  /** The ledger of complete hours, shared by every request (one read at a time, a failed read not kept). */
  private readonly ledger = new TtlCache(LEDGER_TTL_MS, 1);

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
    if (bucket === null) {
      const params = { device: device.id, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
      const { series } = await this.influx.query(`SELECT * FROM ${measurement} WHERE device = $device AND time >= $from AND time < $to ORDER BY time LIMIT ${MAX_RAW_POINTS + 1}`, params);
      const rows = series[0]?.rows ?? [];
      return { every: null, truncated: rows.length > MAX_RAW_POINTS, points: rows.slice(0, MAX_RAW_POINTS).map((r) => fieldsOf(r)!) };
    }
    const points =
      bucket === '1h' && DEVICE_ROLLUP_TYPES.includes(device.type)
        ? await this.hourly(measurement, device.id, fromMs, toMs)
        : await this.rawMeans(measurement, device.id, bucket, [[fromMs, toMs]]);
    return { every: bucket, truncated: false, points };
  }

  /**
   * Hourly means: the hours the aggregation marked complete (`device_rollup_hours`) read from
   * the device's stored means in `device_h1` (720 points for 30 days, ≈ 4 ms of InfluxDB's
   * CPU, where averaging ≈ 4,300 raw points again costs ≈ 32 ms); the other stretches (a
   * partial first or last hour, the current hour, hours not rolled up or past the policy's
   * 45 days) averaged from the raw points, in the same request. The same figures either
   * way: a stored mean is MEAN(*) of the same hour's raw points.
   */
  private async hourly(measurement: string, device: string, fromMs: number, toMs: number): Promise<Row[]> {
    const fromH = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
    const toH = Math.floor(toMs / HOUR_MS) * HOUR_MS;
    const complete = await this.completeHours();
    const marked: number[] = [];
    for (let hour = fromH; hour < toH; hour += HOUR_MS) if (complete.has(hour)) marked.push(hour);
    const stretches = stretchesWithout(marked, fromMs, toMs);
    if (marked.length === 0 || stretches.length > MAX_RAW_STRETCHES) return this.rawMeans(measurement, device, '1h', [[fromMs, toMs]]);
    const stored = { device, sfrom: new Date(marked[0]!).toISOString(), sto: new Date(marked.at(-1)! + HOUR_MS).toISOString() };
    const [means, ...raw] = await this.meansOver(measurement, device, stretches, [`SELECT /^mean_/ FROM "device_h1".${measurement} WHERE device = $device AND time >= $sfrom AND time < $sto`, stored]);
    // Each marked hour → the device's stored means (none: it sent nothing in that hour).
    const byHour = new Map<number, Row>();
    const twice: number[] = [];
    const times = means ? timesOf(means) : [];
    for (const [i, point] of (means ? meansOf(means) : []).entries()) {
      const time = times[i]!;
      if (!complete.has(time)) continue;
      if (byHour.has(time)) twice.push(time);
      byHour.set(time, point);
    }
    // Two means in one hour: the device's tags changed within it (two series); its raw points give the one mean.
    for (const time of twice) byHour.delete(time);
    const again = twice.length ? await this.rawMeans(measurement, device, '1h', twice.map((t): [number, number] => [t, t + HOUR_MS])) : [];
    const points = [...byHour.values(), ...raw.flatMap((series) => (series ? meansOf(series) : [])), ...again];
    // ISO instants of one format sort as text.
    return points.sort((a, b) => ((a.time as string) < (b.time as string) ? -1 : 1));
  }

  /**
   * The hours whose device means are complete, read once a minute at most (LEDGER_TTL_MS) for
   * the whole policy (≈ 1,100 points) and shared by every request: the aggregation marks new
   * hours every HV_AGGREGATES_EVERY_S (900 s), and an hour not yet seen as marked is
   * averaged from the raw points, which give the same figures.
   */
  private completeHours(): Promise<ReadonlySet<number>> {
    return this.ledger.get('device_rollup_hours', () => this.readLedger(Date.now()));
  }

  private async readLedger(now: number): Promise<ReadonlySet<number>> {
    try {
      const [series] = await this.influx.queryColumns(`SELECT "rolled_at_ms" FROM "device_h1".${influxIdent(MEASUREMENTS.deviceRollupHours)} WHERE time >= $from`, {
        from: new Date(now - (DEVICE_ROLLUP_DAYS + 1) * 86_400_000).toISOString(),
      });
      return new Set(series?.[0] ? timesOf(series[0]) : []);
    } catch (error) {
      // No aggregation has created `device_h1` yet: every hour comes from the raw points.
      if (error instanceof InfluxRejectedError && /retention policy not found/.test(error.message)) return new Set();
      throw error;
    }
  }

  /** MEAN(*) per bucket over each [from, to) stretch, in one request: the numeric fields (every number is stored as a float); empty buckets are left out. */
  private async rawMeans(measurement: string, device: string, bucket: string, stretches: Array<[number, number]>): Promise<Row[]> {
    const answers = await this.meansOver(measurement, device, stretches, null, bucket);
    return answers.flatMap((series) => (series ? meansOf(series) : []));
  }

  /** `first` (a statement and its parameters) then MEAN(*) per bucket over each stretch, in one request; each statement's series. */
  private async meansOver(measurement: string, device: string, stretches: Array<[number, number]>, first: [string, QueryParams] | null, bucket = '1h'): Promise<Array<ColumnSeries | undefined>> {
    const params: QueryParams = { ...first?.[1], device };
    const statements = stretches.map(([from, to], i) => {
      params[`from${i}`] = new Date(from).toISOString();
      params[`to${i}`] = new Date(to).toISOString();
      return `SELECT MEAN(*) FROM ${measurement} WHERE device = $device AND time >= $from${i} AND time < $to${i} GROUP BY time(${bucket}) fill(none)`;
    });
    if (first) statements.unshift(first[0]);
    const answers = await this.influx.queryColumns(statements.join('; '), params);
    return answers.map((series) => series[0]);
  }
}

/** The stretches of [fromMs, toMs) outside the given whole hours (ascending). */
function stretchesWithout(hours: readonly number[], fromMs: number, toMs: number): Array<[number, number]> {
  const stretches: Array<[number, number]> = [];
  let cursor = fromMs;
  for (const hour of hours) {
    if (cursor < hour) stretches.push([cursor, hour]);
    cursor = hour + HOUR_MS;
  }
  if (cursor < toMs) stretches.push([cursor, toMs]);
  return stretches;
}

/**
 * Means are given with MEAN_DECIMALS decimals (0.001 of their unit): finer than any
 * reading's resolution (a power factor's hundredths, a tenth of a degree or a watt), where
 * InfluxDB's doubles carry 17 digits (`74.06666666666666`, `229.20000000000002`): 30 days
 * of a luminaire are then 148 KiB of JSON instead of 177 KiB. Divided, not multiplied back, so that
 * 0.95 stays 0.95.
 */
export const MEAN_DECIMALS = 3;
const SCALE = 10 ** MEAN_DECIMALS;
const roundMean = (v: unknown): unknown => (typeof v === 'number' ? Math.round(v * SCALE) / SCALE : v);

/**
 * Bucket rows as points: `mean_x` named `x` and rounded (MEAN_DECIMALS), `time` as an ISO
 * string, built from the answer's value arrays. The names are worked out once per answer,
 * not per row: 30 days of a luminaire are 720 rows of 11 columns, and renaming each row's
 * entries was a sixth of the request's CPU.
 */
export function meansOf(series: ColumnSeries): Row[] {
  const names = series.columns.map((c) => (c === 'time' ? c : c.replace(/^mean_/, '')));
  const timeAt = series.columns.indexOf('time');
  const value = (values: unknown[], i: number) => (i === timeAt ? new Date(values[i] as number).toISOString() : roundMean(values[i]));
  // A field named `__proto__` would set the prototype by assignment: defined as its own property instead.
  if (names.includes('__proto__')) return series.values.map((values) => Object.fromEntries(names.map((name, i) => [name, value(values, i)])));
  return series.values.map((values) => {
    const point: Row = {};
    for (let i = 0; i < names.length; i++) point[names[i]!] = value(values, i);
    return point;
  });
}

/** Each row's `time` (Unix ms). */
const timesOf = (series: ColumnSeries): number[] => {
  const at = series.columns.indexOf('time');
  return series.values.map((values) => values[at] as number);
};

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
