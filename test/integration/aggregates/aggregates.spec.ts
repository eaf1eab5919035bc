/**
 * The aggregation against the real InfluxDB: hand-made readings of two communes give the
 * ATMO index and the hourly and daily rollups they should, and rerunning a period after
 * its readings changed rewrites it rather than adding to it.
 */
import type { Point } from '@hv/contracts';
import { AggregatesService } from '@hv/aggregates';
import { InfluxRepository } from '@hv/timeseries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestInfluxDb } from '../../support/services';

const DAY0 = Date.parse('2026-01-12T00:00:00Z'); // a Monday in winter: Paris midnight is 23:00 UTC the day before
const HOUR = 3_600_000;
const LAON = { tenant: '02408', epci: '200043495' };
const SOISSONS = { tenant: '02722', epci: '240200477' };

/** A luminaire reading every 10 minutes over 48 h: lit (50 %, 40 W) from 16:00 to 08:00 UTC, its meter advancing accordingly. */
function lamp(device: string, at: { tenant: string; epci: string }): Point[] {
  const points: Point[] = [];
  let wh = 1_000;
  for (let t = DAY0 - HOUR, seq = 0; t < DAY0 + 48 * HOUR; t += 600_000, seq++) {
    const h = new Date(t).getUTCHours();
    const on = h >= 16 || h < 8;
    wh += on ? 40 / 6 : 0;
    points.push({ measurement: 'lighting_controller', tags: { device, ...at }, fields: { seq, on, level_pct: on ? 50 : 0, power_w: on ? 40 : 0, energy_wh: wh }, timestampMs: t });
  }
  return points;
}

/**
 * An on-street spot in Laon over 48 h: a heartbeat reading every hour, occupied from 08:00
 * to 10:00 UTC each day, the arrival an `occupied` event and the departure a reading (a
 * LoRaWAN sensor reports its changes as readings).
 */
function parkingSpot(device: string): Point[] {
  const points: Point[] = [];
  for (let t = DAY0 - 4 * HOUR, seq = 0; t < DAY0 + 48 * HOUR; t += HOUR, seq++) {
    const h = new Date(t).getUTCHours();
    points.push({ measurement: 'parking_spot', tags: { device, ...LAON }, fields: { seq, occupied: h >= 8 && h < 10 }, timestampMs: t + 30 * 60_000 });
    if (h === 8) points.push({ measurement: 'device_event', tags: { device, ...LAON, type: 'parking-spot', domain: 'parking', event: 'occupied' }, fields: { seq: 10_000 + seq }, timestampMs: t });
    if (h === 10) points.push({ measurement: 'parking_spot', tags: { device, ...LAON }, fields: { seq: 20_000 + seq, occupied: false }, timestampMs: t });
  }
  return points;
}

/** An air station reading every 15 minutes over 48 h (Paris days 12 and 13 Jan, fully covered). */
function station(device: string, at: { tenant: string; epci: string }, pm10: number): Point[] {
  const points: Point[] = [];
  for (let t = DAY0 - 2 * HOUR, seq = 0; t < DAY0 + 48 * HOUR; t += 900_000, seq++) {
    points.push({ measurement: 'air_station', tags: { device, ...at }, fields: { seq, pm10_ugm3: pm10, pm25_ugm3: pm10 / 4, no2_ugm3: 30, o3_ugm3: 40 }, timestampMs: t });
  }
  return points;
}

describe('aggregates against the real InfluxDB', () => {
  let db: Awaited<ReturnType<typeof createTestInfluxDb>>;
  let influx: InfluxRepository;
  let service: AggregatesService;
  const rows = async (q: string) => (await influx.query(q)).series.flatMap((s) => s.rows.map((r) => ({ ...s.tags, ...r })));

  beforeAll(async () => {
    db = await createTestInfluxDb('aggregates');
    influx = new InfluxRepository({ url: db.url, database: db.db });
    service = new AggregatesService(influx, { url: db.url, database: db.db });
    await influx.writePoints([...lamp('lc-02408-1', LAON), ...lamp('lc-02408-2', LAON), ...lamp('lc-02722-1', SOISSONS), ...station('aq-02408-1', LAON, 30), ...station('aq-02408-2', LAON, 60), ...station('aq-02722-1', SOISSONS, 15), ...parkingSpot('ps-02408-1')]);
    await service.run(DAY0, DAY0 + 24 * HOUR);
  });
  afterAll(async () => {
    await db?.drop();
    influx?.close();
  });

  it('writes each station’s and each EPCI’s ATMO index of the Paris day', async () => {
    const day = await rows(`SELECT "index", "available", "responsible" FROM "atmo_index" WHERE time = '2026-01-11T23:00:00Z' GROUP BY "scope", "device", "epci"`);
    const of = (scope: string, id: string) => day.find((r) => r.scope === scope && (r.device === id || (scope === 'epci' && r.epci === id)));
    expect(of('station', 'aq-02408-1')).toMatchObject({ index: 2, available: 1, responsible: 'pm10' }); // PM10 30: moyen
    expect(of('station', 'aq-02408-2')).toMatchObject({ index: 4, responsible: 'pm10' }); // PM10 60: mauvais
    expect(of('station', 'aq-02722-1')).toMatchObject({ index: 1 }); // everything bon
    expect(of('epci', LAON.epci)).toMatchObject({ index: 4 }); // the worst of its stations
    expect(of('epci', SOISSONS.epci)).toMatchObject({ index: 1 });
  });

  it('rolls the luminaires up per commune and hour, then per day', async () => {
    // 01:00 UTC: both Laon luminaires lit all hour.
    const [hour] = await rows(`SELECT * FROM "h1"."lighting_commune" WHERE "tenant" = '02408' AND time = '2026-01-12T01:00:00Z'`);
    expect(hour).toMatchObject({ level_pct: 50, power_w: 80, devices: 2, readings: 12, lit_h: 2 });
    expect(hour!.energy_wh as number).toBeCloseTo(80, 6);
    const [day] = await rows(`SELECT * FROM "d1"."lighting_commune" WHERE "tenant" = '02408' AND time = '2026-01-12T00:00:00Z'`);
    // Lit 16 h of 24 (00–08, 16–24), two luminaires at 40 W.
    expect(day).toMatchObject({ lit_h: 32, readings: 288, devices: 2 });
    expect(day!.energy_wh as number).toBeCloseTo(2 * 16 * 40, 6);
    expect(day!.power_w as number).toBeCloseTo((80 * 16) / 24, 6);
  });

  it('rolls on-street spots up per commune and hour from their readings and events, then per day', async () => {
    // 08:00–09:00 UTC: occupied all hour, arrived at 08:00 (the event), one spot.
    const [hour] = await rows(`SELECT * FROM "h1"."parking_spot_commune" WHERE "tenant" = '02408' AND time = '2026-01-12T08:00:00Z'`);
    expect(hour).toMatchObject({ occupied_h: 1, observed_h: 1, arrivals: 1, spots: 1 });
    const [day] = await rows(`SELECT * FROM "d1"."parking_spot_commune" WHERE "tenant" = '02408' AND time = '2026-01-12T00:00:00Z'`);
    expect(day).toMatchObject({ occupied_h: 2, observed_h: 24, arrivals: 1, spots: 1 });
    const fields = await rows(`SHOW FIELD KEYS FROM "h1"."parking_spot_commune"`);
    expect(new Set(fields.map((f) => f.fieldType))).toEqual(new Set(['float']));
  });

  it('writes every rollup field as a float, as the contract writes numbers (a count would otherwise be an integer and conflict)', async () => {
    for (const rp of ['h1', 'd1']) {
      const fields = await rows(`SHOW FIELD KEYS FROM "${rp}"."lighting_commune"`);
      expect(fields.map((f) => f.fieldKey).sort(), rp).toEqual(['devices', 'energy_wh', 'level_pct', 'lit_h', 'power_w', 'readings']);
      expect(new Set(fields.map((f) => f.fieldType)), rp).toEqual(new Set(['float']));
    }
  });

  it('rewrites a period when rerun: changed readings replace the old figures instead of adding to them', async () => {
    const before = await rows(`SELECT count("energy_wh") FROM "h1"."lighting_commune"`);
    await service.run(DAY0, DAY0 + 24 * HOUR);
    expect(await rows(`SELECT count("energy_wh") FROM "h1"."lighting_commune"`)).toEqual(before);
    // The Soissons station's PM10 goes up to 120 on 12 Jan (Paris): its index becomes 5.
    await influx.writePoints(station('aq-02722-1', SOISSONS, 120).filter((p) => p.timestampMs >= DAY0 - HOUR && p.timestampMs < DAY0 + 23 * HOUR));
    await service.run(DAY0, DAY0 + 24 * HOUR);
    const day = await rows(`SELECT "index" FROM "atmo_index" WHERE time = '2026-01-11T23:00:00Z' GROUP BY "scope", "device", "epci"`);
    expect(day.filter((r) => r.device === 'aq-02722-1' || (r.scope === 'epci' && r.epci === SOISSONS.epci)).map((r) => r.index)).toEqual([5, 5]);
    expect(day).toHaveLength(5);
  });
});
