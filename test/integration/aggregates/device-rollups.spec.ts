/**
 * Per-device hourly means against the real InfluxDB: the aggregation writes them into
 * `device_h1` with a ledger of complete hours, and the device history gives the same points
 * with them as from the raw points alone, reading the marked hours from the stored means.
 */
import type { Point } from '@hv/contracts';
import { AggregatesService } from '@hv/aggregates';
import { DeviceSeriesService } from '@hv/api';
import type { Device } from '@hv/state';
import { InfluxRepository, type Row } from '@hv/timeseries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestInfluxDb } from '../../support/services';

const HOUR = 3_600_000;
/** Three days ago at midnight UTC: within the policy's 45 days. */
const DAY0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000;
const LAON = { tenant: '02408', epci: '200043495' };
const lamp1 = { id: 'lc-02408-1', type: 'lighting-controller' } as Device;
const lamp2 = { id: 'lc-02408-2', type: 'lighting-controller' } as Device;

/** A luminaire every 10 minutes over 30 h from DAY0 − 1 h, its level changing at each reading. */
function lamp(device: string, offset: number, from = DAY0 - HOUR, to = DAY0 + 29 * HOUR): Point[] {
  const points: Point[] = [];
  for (let t = from, seq = 0; t < to; t += 600_000, seq++) {
    const level = (seq * 7 + offset) % 101;
    points.push({ measurement: 'lighting_controller', tags: { device, cabinet: 'cab-1', ...LAON }, fields: { seq, on: level > 0, level_pct: level, power_w: level * 0.4, energy_wh: 1_000 + seq * 3.3 }, timestampMs: t });
  }
  return points;
}

describe('per-device hourly means against the real InfluxDB', () => {
  let db: Awaited<ReturnType<typeof createTestInfluxDb>>;
  let influx: InfluxRepository;
  let aggregates: AggregatesService;
  /** The history's hourly points as InfluxDB averages the raw points, without the rollups (each mean to 0.001, as the API gives them). */
  const rawHourly = async (device: string, fromMs: number, toMs: number): Promise<Row[]> => {
    const { series: s } = await influx.query(`SELECT MEAN(*) FROM "lighting_controller" WHERE device = $device AND time >= $from AND time < $to GROUP BY time(1h) fill(none)`, {
      device,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
    });
    return s[0]!.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => (k === 'time' ? [k, new Date(v as number).toISOString()] : [k.replace(/^mean_/, ''), typeof v === 'number' ? Math.round(v * 1000) / 1000 : v]))));
  };
  const range: [number, number] = [DAY0 - HOUR / 2, DAY0 + 29 * HOUR];
  /** The API's hourly history, by a new service each time: one keeps the ledger of complete hours for a minute. */
  const history = (device: Device, fromMs: number, toMs: number) => new DeviceSeriesService(influx).history(device, fromMs, toMs, '1h');

  beforeAll(async () => {
    db = await createTestInfluxDb('device_rollups');
    influx = new InfluxRepository({ url: db.url, database: db.db });
    aggregates = new AggregatesService(influx, { url: db.url, database: db.db });
    await influx.writePoints([...lamp(lamp1.id, 0), ...lamp(lamp2.id, 50)]);
  });
  afterAll(async () => {
    await db?.drop();
    influx?.close();
  });

  it('answers from the raw points before any aggregation created the policy', async () => {
    const { every, points } = await history(lamp1, ...range);
    expect(every).toBe('1h');
    expect(points).toHaveLength(30);
    expect(points).toEqual(await rawHourly(lamp1.id, ...range));
  });

  it('writes each device\'s hourly means of the period and marks its hours complete', async () => {
    const report = await aggregates.run(DAY0, DAY0 + 24 * HOUR);
    expect(report.deviceHourPoints).toBe(2 * 24);
    const ledger = (await influx.query(`SELECT "rolled_at_ms" FROM "device_h1"."device_rollup_hours"`)).series[0]!.rows;
    expect(ledger.map((r) => r.time)).toEqual(Array.from({ length: 24 }, (_, h) => DAY0 + h * HOUR));
    const stored = (await influx.query(`SELECT * FROM "device_h1"."lighting_controller" WHERE device = '${lamp1.id}' AND time = '${new Date(DAY0 + 5 * HOUR).toISOString()}'`)).series[0]!;
    // Every tag kept; the numeric fields' means (a boolean has none).
    expect(stored.rows[0]).toMatchObject({ device: lamp1.id, cabinet: 'cab-1', tenant: LAON.tenant, epci: LAON.epci });
    expect(stored.columns.filter((c) => c.startsWith('mean_')).sort()).toEqual(['mean_energy_wh', 'mean_level_pct', 'mean_power_w', 'mean_seq']);
    const [raw] = (await rawHourly(lamp1.id, DAY0 + 5 * HOUR, DAY0 + 6 * HOUR))!;
    expect(Math.round((stored.rows[0]!.mean_level_pct as number) * 1000) / 1000).toBe(raw!.level_pct);
  });

  it('gives the same history with the stored means as from the raw points alone', async () => {
    for (const device of [lamp1, lamp2]) {
      const { points } = await history(device, ...range);
      expect(points, device.id).toEqual(await rawHourly(device.id, ...range));
    }
  });

  it('reads the marked hours from the stored means until their period is run again', async () => {
    // A late correction of a reading in a marked hour (05:10) and in one never rolled up (26:10).
    const late = (t: number): Point => ({ measurement: 'lighting_controller', tags: { device: lamp1.id, cabinet: 'cab-1', ...LAON }, fields: { level_pct: 1_000 }, timestampMs: t });
    await influx.writePoints([late(DAY0 + 5 * HOUR + 600_000), late(DAY0 + 26 * HOUR + 600_000)]);
    const hourOf = (points: Row[], ms: number) => points.find((p) => p.time === new Date(ms).toISOString())!.level_pct;
    const raw = await rawHourly(lamp1.id, ...range);
    const before = (await history(lamp1, ...range)).points;
    expect(hourOf(before, DAY0 + 26 * HOUR)).toBe(hourOf(raw, DAY0 + 26 * HOUR));
    expect(hourOf(before, DAY0 + 5 * HOUR)).not.toBe(hourOf(raw, DAY0 + 5 * HOUR));
    await aggregates.run(DAY0, DAY0 + 24 * HOUR);
    expect((await history(lamp1, ...range)).points).toEqual(raw);
  });

  it('marks only the hours that were over when they were rolled up', async () => {
    const now = Date.now();
    await influx.writePoints(lamp(lamp1.id, 3, Math.floor(now / HOUR) * HOUR - HOUR, now));
    await aggregates.refresh(now);
    const after = Date.now();
    const marked = (await influx.query(`SELECT "rolled_at_ms" FROM "device_h1"."device_rollup_hours" WHERE time >= $from`, { from: new Date(now - 3 * HOUR).toISOString() })).series[0]!.rows;
    const previousHour = Math.floor(now / HOUR) * HOUR - HOUR;
    expect(marked.map((r) => r.time)).toContain(previousHour);
    for (const r of marked) expect((r.time as number) + HOUR).toBeLessThanOrEqual(r.rolled_at_ms as number);
    for (const r of marked) expect(r.rolled_at_ms as number).toBeLessThanOrEqual(after);
  });
});
