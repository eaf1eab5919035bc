import { DEVICE_ROLLUP_TYPES, DEVICE_TYPES, MEASUREMENTS, ROLLUP_POLICIES, type DeviceType } from '@hv/contracts';

type Aggregate = 'mean' | 'sum' | 'max' | 'min' | 'count';

/** A field computed per commune and hour over its devices' readings directly (`expr`, an InfluxQL aggregate). */
interface ReadingField {
  name: string;
  expr: string;
  /** How a day's hours combine. */
  day: Aggregate;
}

/**
 * A field computed per device and hour first (`device`), then over the commune's devices
 * (`hour`): a sum of powers, a counter's advance, the devices heard.
 */
interface DeviceField {
  name: string;
  device: string;
  hour: Aggregate;
  day: Aggregate;
}

/** Hours from a count of readings matching `where` (a boolean field true): each reading stands for its type's expected interval. */
interface RollupHours {
  name: string;
  where: string;
}

export interface Rollup {
  /** The rollup measurement (declared in the contract catalogue). */
  measurement: string;
  source: DeviceType;
  readings: ReadingField[];
  devices: DeviceField[];
  hours: RollupHours[];
}

/** Every name a rollup writes. */
export const rollupFields = (r: Rollup): string[] => [...r.readings, ...r.devices, ...r.hours].map((f) => f.name);

// `* 1.0`: count() answers integers, and a field keeps one type (the contract writes floats).
const readings: ReadingField = { name: 'readings', expr: 'count("seq") * 1.0', day: 'sum' };
const mean = (field: string, name = field): ReadingField => ({ name, expr: `mean("${field}")`, day: 'mean' });
const devices: DeviceField = { name: 'devices', device: 'count("seq")', hour: 'count', day: 'max' };
/** A cumulative counter: what it advanced by in the hour, summed over devices (the first hour after a gap takes the whole gap). */
const used = (field: string): DeviceField => ({ name: field, device: `non_negative_difference(max("${field}"))`, hour: 'sum', day: 'sum' });
/** A quantity that adds up over devices (W, spots): each device's mean in the hour, summed. */
const summed = (field: string): DeviceField => ({ name: field, device: `mean("${field}")`, hour: 'sum', day: 'mean' });

/**
 * What the boards chart over long ranges, per commune: a year of daily points for the
 * 797 communes of the Aisne is ≈ 290,000 points a measurement, where per device (≈ 90,000
 * luminaires) it would be 33 million (docs/ARCHITECTURE.md, "Downsampling").
 */
export const ROLLUPS: readonly Rollup[] = [
  {
    measurement: MEASUREMENTS.lightingRollup,
    source: 'lighting-controller',
    readings: [mean('level_pct'), readings],
    devices: [summed('power_w'), used('energy_wh'), devices],
    hours: [{ name: 'lit_h', where: '"on" = true' }],
  },
  {
    measurement: MEASUREMENTS.heatingRollup,
    source: 'boiler-room',
    readings: [mean('flow_c'), mean('room_c'), { name: 'outdoor_min_c', expr: 'min("outdoor_c")', day: 'min' }, { name: 'outdoor_max_c', expr: 'max("outdoor_c")', day: 'max' }, readings],
    devices: [used('gas_kwh'), devices],
    hours: [{ name: 'burner_h', where: '"burner_on" = true' }],
  },
  {
    measurement: MEASUREMENTS.airRollup,
    source: 'air-station',
    readings: [mean('pm25_ugm3'), mean('pm10_ugm3'), mean('no2_ugm3'), mean('o3_ugm3'), mean('so2_ugm3'), readings],
    devices: [devices],
    hours: [],
  },
  {
    measurement: MEASUREMENTS.parkingRollup,
    source: 'car-park',
    readings: [readings],
    devices: [summed('occupied'), { name: 'capacity', device: 'max("capacity")', hour: 'sum', day: 'mean' }, used('entries'), devices],
    hours: [],
  },
];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;
/** The InfluxQL condition for [fromMs, toMs), bounds as RFC 3339 literals. */
export const timeWindow = (fromMs: number, toMs: number): string => `time >= ${iso(fromMs)} AND time < ${iso(toMs)}`;
const q = (rp: string, measurement: string) => `"${rp}"."${measurement}"`;

/**
 * The statements that write the hourly rollup of [fromMs, toMs) (whole UTC hours) from the
 * raw points: the per-reading fields in one statement; each per-device field in its own,
 * per device and hour first (a subquery), then per commune. InfluxDB 1.6 runs a subquery
 * with several fields an order of magnitude slower than one subquery per field, hence one
 * statement per field.
 * Rerunning them over the same raw points writes the same points (same series and time).
 */
export function hourlyStatements(rollup: Rollup, fromMs: number, toMs: number): string[] {
  const raw = `"${DEVICE_TYPES[rollup.source].measurement}"`;
  const into = q('h1', rollup.measurement);
  const range = timeWindow(fromMs, toMs);
  // InfluxDB narrows a subquery to the outer query's time range: both start an hour early,
  // so that a counter's first hour has its previous value. That hour is written again with
  // the same figures, or none (its own first bucket has no previous one), and a field left
  // out keeps its stored value.
  const early = timeWindow(fromMs - HOUR_MS, toMs);
  const perCommune = 'GROUP BY time(1h), "tenant", "epci"';
  const statements = [`SELECT ${rollup.readings.map((f) => `${f.expr} AS "${f.name}"`).join(', ')} INTO ${into} FROM ${raw} WHERE ${range} ${perCommune}`];
  for (const f of rollup.devices) {
    const from = f.device.startsWith('non_negative_difference') ? early : range;
    statements.push(`SELECT ${f.hour}("v") * 1.0 AS "${f.name}" INTO ${into} FROM (SELECT ${f.device} AS "v" FROM ${raw} WHERE ${from} GROUP BY time(1h), "device", "tenant", "epci" fill(none)) WHERE ${from} ${perCommune}`);
  }
  const hoursPerReading = DEVICE_TYPES[rollup.source].expectedIntervalS / 3600;
  for (const h of rollup.hours) statements.push(`SELECT count("seq") * ${hoursPerReading} AS "${h.name}" INTO ${into} FROM ${raw} WHERE ${range} AND ${h.where} ${perCommune}`);
  return statements;
}

/** The statement that writes the daily rollup of [fromMs, toMs) (whole UTC days) from the hourly one. */
export function dailyStatement(rollup: Rollup, fromMs: number, toMs: number): string {
  const fields = [...rollup.readings, ...rollup.devices].map((f) => `${f.day}("${f.name}") AS "${f.name}"`).concat(rollup.hours.map((h) => `sum("${h.name}") AS "${h.name}"`));
  return `SELECT ${fields.join(', ')} INTO ${q('d1', rollup.measurement)} FROM ${q('h1', rollup.measurement)} WHERE ${timeWindow(fromMs, toMs)} GROUP BY time(1d), "tenant", "epci"`;
}

/**
 * The statements that write each device's hourly means of [fromMs, toMs) (whole UTC hours)
 * into `device_h1`, one per rolled-up type: `MEAN(*)` names each numeric field `mean_<field>`
 * (booleans and strings have no mean and are left out, as in the history's raw buckets), and
 * `GROUP BY *` keeps every tag of the device's series. Rerunning rewrites the same points.
 */
export function deviceHourStatements(fromMs: number, toMs: number): string[] {
  return DEVICE_ROLLUP_TYPES.map((type) => {
    const m = `"${DEVICE_TYPES[type].measurement}"`;
    return `SELECT MEAN(*) INTO "device_h1".${m} FROM ${m} WHERE ${timeWindow(fromMs, toMs)} GROUP BY time(1h), * fill(none)`;
  });
}

/** The ledger point of a UTC hour whose per-device means are complete (`device_rollup_hours`, in `device_h1`). */
export const deviceHourLedger = (hourMs: number, rolledAtMs: number) => ({
  measurement: MEASUREMENTS.deviceRollupHours,
  tags: {},
  fields: { rolled_at_ms: rolledAtMs },
  timestampMs: hourMs,
});

/** `CREATE RETENTION POLICY` for each rollup policy (ALTER when it exists with other settings). */
export function retentionStatements(database: string): Array<{ create: string; alter: string }> {
  return Object.entries(ROLLUP_POLICIES).map(([rp, p]) => ({
    create: `CREATE RETENTION POLICY "${rp}" ON "${database}" DURATION ${p.duration} REPLICATION 1 SHARD DURATION ${p.shard}`,
    alter: `ALTER RETENTION POLICY "${rp}" ON "${database}" DURATION ${p.duration} REPLICATION 1 SHARD DURATION ${p.shard}`,
  }));
}

export const floorTo = (ms: number, unitMs: number): number => Math.floor(ms / unitMs) * unitMs;
export const ceilTo = (ms: number, unitMs: number): number => Math.ceil(ms / unitMs) * unitMs;
export { DAY_MS, HOUR_MS };
