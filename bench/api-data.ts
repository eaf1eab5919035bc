/**
 * The API bench's data: raw telemetry of chosen devices written as ingest writes it (the
 * simulators' stream turned into points, without MQTT), the per-commune rollups and ATMO
 * points written directly (bench/rollup-data.ts), and alarms and API keys in PostgreSQL.
 */
import { DEVICE_TYPES, geohashOf, toPoint, type DeviceType, type Point } from '@hv/contracts';
import { messages, type Fleet, type SimDevice } from '@hv/simulators';
import { ApiKeyRepository, type Database } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import type { BenchKeys } from './api-routes';
import { communesOf, writeAtmo, writeRollups } from './rollup-data';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Points per write request (the ingest's batch). */
const BATCH = 5_000;
/** Devices of each type at least in the sample, when the fleet has them (air stations: 6). */
const MIN_PER_TYPE = 10;

/**
 * About `n` devices spread over the fleet: each type in proportion to its share, at least
 * MIN_PER_TYPE of each, taken at an even stride through the fleet's list (ordered by
 * commune), so that they fall in communes across the département.
 */
export function sampleDevices(fleet: Fleet, n: number): SimDevice[] {
  const byType = new Map<DeviceType, SimDevice[]>();
  for (const d of fleet.devices) (byType.get(d.type) ?? byType.set(d.type, []).get(d.type)!).push(d);
  const out: SimDevice[] = [];
  for (const list of byType.values()) {
    const k = Math.min(list.length, Math.max(MIN_PER_TYPE, Math.round((n * list.length) / fleet.devices.length)));
    const stride = list.length / k;
    for (let i = 0; i < k; i++) out.push(list[Math.floor(i * stride)]!);
  }
  return out;
}

/**
 * Each device's telemetry over [fromMs, toMs) at its type's expected interval (a luminaire
 * every 10 minutes, a boiler room every 5), at least one reading each, as ingest stores it.
 * One simulator stream per interval; the next batch is generated while the previous one is
 * written.
 */
export async function writeTelemetry(influx: InfluxRepository, devices: readonly SimDevice[], seed: string, fromMs: number, toMs: number): Promise<number> {
  const byInterval = new Map<number, SimDevice[]>();
  for (const d of devices) {
    const s = DEVICE_TYPES[d.type].expectedIntervalS;
    (byInterval.get(s) ?? byInterval.set(s, []).get(s)!).push(d);
  }
  let written = 0;
  let pending: Promise<void> = Promise.resolve();
  let batch: Point[] = [];
  const flush = async () => {
    await pending;
    const points = batch;
    batch = [];
    written += points.length;
    pending = influx.writePoints(points);
  };
  for (const [intervalS, group] of byInterval) {
    const geohashes = new Map(group.map((d) => [d.id, geohashOf(d.attributes)]));
    // A range shorter than the interval still gives each device one reading.
    const stepMs = Math.min(intervalS * 1000, toMs - fromMs) / group.length;
    const count = Math.floor((toMs - fromMs) / stepMs);
    for (const m of messages({ seed, devices: [...group] }, { seed, count, startMs: fromMs, stepMs, channels: ['telemetry'] })) {
      const d = m.device;
      const tags = { tenant: d.tenant, device: d.id, type: d.type, epci: d.epci, cabinet: d.cabinet, geohash: geohashes.get(d.id) };
      batch.push(toPoint(tags, 'telemetry', JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>, m.ts));
      if (batch.length === BATCH) await flush();
    }
  }
  if (batch.length) await flush();
  await pending;
  return written;
}

export interface RollupCounts {
  h1: number;
  d1: number;
  atmo: number;
}

/**
 * Hourly (`h1`) and daily (`d1`) rollups of every commune over [fromMs, toMs), the daily
 * ones for the whole UTC days inside it, the ATMO points of those days; and the same period
 * a year earlier (a KPI's default reference): its whole days in `d1`, and in `h1` only the
 * hours around them (the only ones a sum over that period reads from `h1`).
 */
export async function writeRollupData(influxUrl: string, database: string, fleet: Fleet, fromMs: number, toMs: number): Promise<RollupCounts> {
  const communes = communesOf(fleet);
  const into = (rp: string) => new InfluxRepository({ url: influxUrl, database, retentionPolicy: rp, timeoutMs: 300_000 });
  const [h1, d1, raw] = [into('h1'), into('d1'), new InfluxRepository({ url: influxUrl, database, timeoutMs: 300_000 })];
  const counts: RollupCounts = { h1: 0, d1: 0, atmo: 0 };
  const period = async (from: number, to: number, allHours: boolean) => {
    const [firstDay, lastDay] = [Math.ceil(from / DAY) * DAY, Math.floor(to / DAY) * DAY];
    if (allHours) counts.h1 += await writeRollups(h1, communes, 'h1', from, to, HOUR);
    else {
      counts.h1 += await writeRollups(h1, communes, 'h1', from, firstDay, HOUR);
      counts.h1 += await writeRollups(h1, communes, 'h1', lastDay, to, HOUR);
    }
    counts.d1 += await writeRollups(d1, communes, 'd1', firstDay, lastDay, DAY);
  };
  try {
    await period(fromMs, toMs, true);
    await period(yearBefore(fromMs), yearBefore(toMs), false);
    counts.atmo = await writeAtmo(raw, fleet, Math.ceil(fromMs / DAY) * DAY, toMs);
  } finally {
    for (const r of [h1, d1, raw]) r.close();
  }
  return counts;
}

function yearBefore(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.getTime();
}

/** Per thousand devices (a deterministic draw on the id): open alarms, and alarms cleared during the 30 days. */
const ALARM_SHARES = [
  // open faults: the connected-objects KPI's faulty and offline
  { per1000: 15, type: 'lamp_failure', kind: 'fault', severity: 'major', deviceType: 'lighting-controller', open: true },
  { per1000: 5, type: 'communication_loss', kind: 'fault', severity: 'major', deviceType: null, open: true },
  { per1000: 20, type: 'low_pressure', kind: 'fault', severity: 'major', deviceType: 'boiler-room', open: true },
  { per1000: 5, type: 'lit_outside_program', kind: 'finding', severity: 'minor', deviceType: 'lighting-controller', open: true },
  // their history over the 30 days
  { per1000: 30, type: 'lamp_failure', kind: 'fault', severity: 'major', deviceType: 'lighting-controller', open: false },
  { per1000: 20, type: 'communication_loss', kind: 'fault', severity: 'major', deviceType: null, open: false },
  { per1000: 40, type: 'lit_outside_program', kind: 'finding', severity: 'minor', deviceType: 'lighting-controller', open: false },
  { per1000: 100, type: 'unoccupied_heating', kind: 'finding', severity: 'major', deviceType: 'boiler-room', open: false },
] as const;

/**
 * Alarms as telegestion leaves them (ALARM_SHARES): raised at a time drawn in the 30 days,
 * the cleared ones an hour to two days later (not after now), findings with the energy they wasted.
 * Returns the open and the cleared counts.
 */
export async function seedAlarms(db: Database, fromMs: number, toMs: number): Promise<{ open: number; cleared: number }> {
  const counts = { open: 0, cleared: 0 };
  for (const a of ALARM_SHARES) {
    const { rowCount } = await db.query(
      `WITH pick AS (
         SELECT id, tenant_id, domain, to_timestamp(($3::float8 + (abs(hashtext(id || $1)) % 1000000) / 1e6 * ($4::float8 - $3::float8)) / 1000) AS since
         FROM devices WHERE abs(hashtext(id || $1)) % 1000 < $2 AND ($5::text IS NULL OR type = $5)
       )
       INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, state, since, raised_at, cleared_at, cleared_by, savings_kwh, savings_eur, savings_kgco2)
       SELECT tenant_id, id, domain, $6, $7, $8, 'detected', CASE WHEN $9 THEN 'active' ELSE 'cleared' END, since, since,
         CASE WHEN $9 THEN NULL ELSE LEAST(since + interval '1 hour' * (1 + abs(hashtext(id)) % 48), now()) END,
         CASE WHEN $9 THEN NULL ELSE 'rules' END,
         CASE WHEN $7 = 'finding' THEN 5 + abs(hashtext(id)) % 50 END,
         CASE WHEN $7 = 'finding' THEN (5 + abs(hashtext(id)) % 50) * 0.2 END,
         CASE WHEN $7 = 'finding' THEN (5 + abs(hashtext(id)) % 50) * 0.06 END
       FROM pick`,
      [`${a.type}:${a.open}`, a.per1000, fromMs, toMs, a.deviceType, a.type, a.kind, a.severity, a.open],
    );
    counts[a.open ? 'open' : 'cleared'] += rowCount ?? 0;
  }
  return counts;
}

/**
 * An operator key, a CDN key, keys of the 3 EPCI and the 5 communes with the most sampled
 * devices (the main towns), issued as `npm run api-key` and `POST /keys` issue them.
 */
export async function issueKeys(db: Database, sample: readonly SimDevice[]): Promise<BenchKeys> {
  const repo = new ApiKeyRepository(db);
  const issue = async (role: 'operator' | 'cdn' | 'epci' | 'commune', tenant: string | null = null) => (await repo.create({ name: `bench ${role} ${tenant ?? ''}`.trim(), role, tenant, createdBy: 'bench' })).key;
  const top = (ids: Array<string | null>, n: number) => {
    const counts = new Map<string, number>();
    for (const id of ids) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([id]) => id);
  };
  const epci = await Promise.all(top(sample.map((d) => d.epci), 3).map(async (tenant) => ({ tenant, key: await issue('epci', tenant) })));
  const commune = await Promise.all(top(sample.map((d) => d.tenant), 5).map(async (tenant) => ({ tenant, key: await issue('commune', tenant) })));
  return { operator: await issue('operator'), cdn: await issue('cdn'), epci, commune };
}

/** The key a device's requests present: its commune's when the run has one, else its EPCI's, else the operator's. */
export function keyChooser(keys: BenchKeys): (d: SimDevice) => string {
  const commune = new Map(keys.commune.map((k) => [k.tenant, k.key]));
  const epci = new Map(keys.epci.map((k) => [k.tenant, k.key]));
  return (d) => commune.get(d.tenant) ?? (d.epci ? epci.get(d.epci) : undefined) ?? keys.operator;
}

/** `n` devices at an even stride through the list (the fleet's order: by commune). */
export function pick(devices: readonly SimDevice[], n: number): SimDevice[] {
  const stride = Math.max(1, devices.length / n);
  const out: SimDevice[] = [];
  for (let i = 0; i < devices.length && out.length < n; i += stride) out.push(devices[Math.floor(i)]!);
  return out;
}
