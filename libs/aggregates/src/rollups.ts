import { DEVICE_TYPES, MEASUREMENTS, ROLLUP_POLICIES, type DeviceType } from '@hv/contracts';

type Aggregate = 'mean' | 'sum' | 'max' | 'min' | 'count';

/**
 * One field of a rollup: `device` is its value per device and hour (an InfluxQL aggregate
 * over the raw points), `hour` how the hour's devices combine into the commune's value,
 * `day` how a day's hours combine.
 */
interface RollupField {
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
  fields: RollupField[];
  hours: RollupHours[];
}

const readings: RollupField = { name: 'readings', device: 'count("seq")', hour: 'sum', day: 'sum' };
const mean = (field: string, name = field): RollupField => ({ name, device: `mean("${field}")`, hour: 'mean', day: 'mean' });
/** A cumulative counter: what it advanced by in the hour (the first hour after a gap takes the whole gap). */
const used = (field: string): RollupField => ({ name: field, device: `non_negative_difference(max("${field}"))`, hour: 'sum', day: 'sum' });
/** Devices that reported in the hour (the day: the most in one hour). */
const devices = (field: string): RollupField => ({ name: 'devices', device: `mean("${field}")`, hour: 'count', day: 'max' });

/**
 * What the boards chart over long ranges, per commune: a year of daily points for the
 * 797 communes of the Aisne is ≈ 290,000 points a measurement, where per device (≈ 90,000
 * luminaires) it would be 33 million (docs/ARCHITECTURE.md, "Downsampling").
 */
export const ROLLUPS: readonly Rollup[] = [
  {
    measurement: MEASUREMENTS.lightingRollup,
    source: 'lighting-controller',
    fields: [mean('level_pct'), { name: 'power_w', device: 'mean("power_w")', hour: 'sum', day: 'mean' }, used('energy_wh'), devices('level_pct'), readings],
    hours: [{ name: 'lit_h', where: '"on" = true' }],
  },
  {
    measurement: MEASUREMENTS.heatingRollup,
    source: 'boiler-room',
    fields: [
      mean('flow_c'),
      mean('room_c'),
      { name: 'outdoor_min_c', device: 'min("outdoor_c")', hour: 'min', day: 'min' },
      { name: 'outdoor_max_c', device: 'max("outdoor_c")', hour: 'max', day: 'max' },
      used('gas_kwh'),
      devices('flow_c'),
      readings,
    ],
    hours: [{ name: 'burner_h', where: '"burner_on" = true' }],
  },
  {
    measurement: MEASUREMENTS.airRollup,
    source: 'air-station',
    fields: [mean('pm25_ugm3'), mean('pm10_ugm3'), mean('no2_ugm3'), mean('o3_ugm3'), mean('so2_ugm3'), devices('pm10_ugm3'), readings],
    hours: [],
  },
  {
    measurement: MEASUREMENTS.parkingRollup,
    source: 'car-park',
    fields: [{ name: 'occupied', device: 'mean("occupied")', hour: 'sum', day: 'mean' }, { name: 'capacity', device: 'max("capacity")', hour: 'sum', day: 'mean' }, used('entries'), devices('capacity'), readings],
    hours: [],
  },
];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;
const q = (rp: string, measurement: string) => `"${rp}"."${measurement}"`;

/**
 * The statements that write the hourly rollup of [fromMs, toMs) (whole UTC hours) from the
 * raw points: per device and hour first (the subquery; from one hour earlier, so that a
 * counter's first hour has its previous value), then per commune. Rerunning them over the
 * same raw points writes the same points (same series and time): idempotent.
 */
export function hourlyStatements(rollup: Rollup, fromMs: number, toMs: number): string[] {
  const raw = `"${DEVICE_TYPES[rollup.source].measurement}"`;
  const into = q('h1', rollup.measurement);
  const inner = rollup.fields.map((f) => `${f.device} AS "${f.name}"`).join(', ');
  const outer = rollup.fields.map((f) => `${f.hour}("${f.name}") AS "${f.name}"`).join(', ');
  const range = `time >= ${iso(fromMs)} AND time < ${iso(toMs)}`;
  // InfluxDB narrows a subquery to the outer query's time range: both start an hour early.
  // That hour is written again with the same figures but no counter difference (its first
  // bucket has no previous one), and a field left out keeps its stored value.
  const early = `time >= ${iso(fromMs - HOUR_MS)} AND time < ${iso(toMs)}`;
  const statements = [
    `SELECT ${outer} INTO ${into} FROM (SELECT ${inner} FROM ${raw} WHERE ${early} GROUP BY time(1h), "device", "tenant", "epci" fill(none)) WHERE ${early} GROUP BY time(1h), "tenant", "epci"`,
  ];
  const hoursPerReading = DEVICE_TYPES[rollup.source].expectedIntervalS / 3600;
  for (const h of rollup.hours) {
    statements.push(`SELECT count("seq") * ${hoursPerReading} AS "${h.name}" INTO ${into} FROM ${raw} WHERE ${range} AND ${h.where} GROUP BY time(1h), "tenant", "epci"`);
  }
  return statements;
}

/** The statement that writes the daily rollup of [fromMs, toMs) (whole UTC days) from the hourly one. */
export function dailyStatement(rollup: Rollup, fromMs: number, toMs: number): string {
  const fields = [...rollup.fields.map((f) => `${f.day}("${f.name}") AS "${f.name}"`), ...rollup.hours.map((h) => `sum("${h.name}") AS "${h.name}"`)].join(', ');
  return `SELECT ${fields} INTO ${q('d1', rollup.measurement)} FROM ${q('h1', rollup.measurement)} WHERE time >= ${iso(fromMs)} AND time < ${iso(toMs)} GROUP BY time(1d), "tenant", "epci"`;
}

/** `CREATE RETENTION POLICY` for each rollup policy (ALTER when it exists with other settings). */
export function retentionStatements(database: string): Array<{ create: string; alter: string }> {
  return Object.entries(ROLLUP_POLICIES).map(([rp, p]) => ({
    create: `CREATE RETENTION POLICY "${rp}" ON "${database}" DURATION ${p.duration} REPLICATION 1`,
    alter: `ALTER RETENTION POLICY "${rp}" ON "${database}" DURATION ${p.duration} REPLICATION 1`,
  }));
}

export const floorTo = (ms: number, unitMs: number): number => Math.floor(ms / unitMs) * unitMs;
export const ceilTo = (ms: number, unitMs: number): number => Math.ceil(ms / unitMs) * unitMs;
export { DAY_MS, HOUR_MS };
