/**
 * Air quality, parking and the CDN report over a simulated week, against values computed
 * here from the raw points (test/support/kpi-expected.ts): two air stations in commune A,
 * one in B (another EPCI), a particle episode, stations silent long enough to lose a day's
 * index; on-street spots and a car park in A and B; threshold and overstay alarms as
 * telegestion stores them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatesService } from '@hv/aggregates';
import type { Point } from '@hv/contracts';
import { Environment, mixedFleet, type SimDevice } from '@hv/simulators';
import { DeviceRepository, TenantRepository } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { carParks, parisDateOf, stationIndices, streetParking } from '../../support/kpi-expected';
import { DAY, HOUR, MIN, simulate, writeAll } from '../../support/kpi-week';
import { midnightDaysAgo } from '../../support/platform';

const LABELS = ['bon', 'moyen', 'dégradé', 'mauvais', 'très mauvais', 'extrêmement mauvais'];

describe('KPIs over a simulated week: air quality, parking, the CDN report', () => {
  let p: ApiPlatform;
  const A = '02408';
  const B = '02691';
  let epciB: string;
  const D = midnightDaysAgo(9);
  const from = D + DAY + 12 * HOUR;
  const to = from + 7 * DAY;
  let points: Point[] = [];
  let devices: SimDevice[] = [];
  const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  const get = async (path: string, key: string) => {
    const res = await p.call('GET', path, { key });
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
    return res.body;
  };
  const ofTenant = (tenant: string) => points.filter((x) => x.tags.tenant === tenant);
  const deviceOf = (tenant: string, type: string, n = 0) => devices.filter((d) => d.tenant === tenant && d.type === type)[n]!.id;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_kpi_week', { HV_AGGREGATES_EVERY_S: '0' });
    epciB = (await new TenantRepository(p.db).findById(B))!.parentId!;
    const fleet = mixedFleet({ seed: 'kpi-week', tenants: [{ tenant: A, epci: p.epciA }, { tenant: B, epci: epciB }], perTenant: { 'air-station': 1, 'parking-spot': 4, 'car-park': 1 } });
    // A second station in A; A's car park is a station car park, full on weekday mornings.
    const second = mixedFleet({ seed: 'kpi-week-2', tenants: [{ tenant: A, epci: p.epciA }], perTenant: { 'air-station': 1 } }).devices.map((d) => ({ ...d, id: `${d.id}-bis` }));
    devices = [...fleet.devices, ...second].map((d) => (d.type === 'car-park' && d.tenant === A ? { ...d, attributes: { ...d.attributes, capacity: 80, profile: 'station' } } : d));
    const registry = new DeviceRepository(p.db);
    for (const d of devices) await registry.create({ id: d.id, tenant: d.tenant, type: d.type, ...(d.devEui ? { devEui: d.devEui } : {}), attributes: d.attributes as Record<string, unknown> });

    // A particle episode over two days: "mauvais" days for both EPCI.
    const env = new Environment('kpi-week', { episodes: [{ from: D + 3 * DAY, to: D + 5 * DAY, pm10Ugm3: 70 }] });
    const air = simulate(devices.filter((d) => d.type === 'air-station'), { seed: 'kpi-week', env, fromMs: D, toMs: D + 9 * DAY, stepMs: 15 * MIN });
    // Silences: A's first station 10 hours on one day (its index is lost, the EPCI keeps the other's);
    // B's only station 8 hours on another (its EPCI's index is "indisponible" that day).
    const silent = (device: string, f: number, t: number) => (x: Point) => !(x.tags.device === device && x.timestampMs >= f && x.timestampMs < t);
    const airKept = air.filter(silent(deviceOf(A, 'air-station'), D + 4 * DAY + 2 * HOUR, D + 4 * DAY + 12 * HOUR)).filter(silent(deviceOf(B, 'air-station'), D + 6 * DAY + 8 * HOUR, D + 6 * DAY + 16 * HOUR));
    const parking = simulate(devices.filter((d) => d.domain === 'parking'), { seed: 'kpi-week', fromMs: D, toMs: D + 9 * DAY, stepMs: 5 * MIN, eventChance: 0.05 });
    points = [...airKept, ...parking];
    const influx = new InfluxRepository({ url: p.tp.influx.url, database: p.tp.influx.db });
    try {
      await writeAll(influx, points);
    } finally {
      influx.close();
    }
    await p.tp.platform!.app.get(AggregatesService).run(D, D + 9 * DAY);

    const alarm = (tenant: string, device: string, domain: string, type: string, kind: string, severity: string, since: number, cleared: number | null) =>
      p.db.query(
        `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, state, cleared_at) VALUES ($1, $2, $3, $4, $5, $6, 'detected', $7, $8, $9)`,
        [tenant, device, domain, type, kind, severity, new Date(since), cleared ? 'cleared' : 'active', cleared ? new Date(cleared) : null],
      );
    const stationA = deviceOf(A, 'air-station');
    await alarm(A, stationA, 'air', 'pm10_threshold', 'threshold', 'major', from + 3 * DAY, from + 4 * DAY + 2 * HOUR);
    await alarm(A, stationA, 'air', 'o3_threshold', 'threshold', 'critical', from + 5 * DAY, from + 5 * DAY + 3 * HOUR);
    await alarm(A, stationA, 'air', 'no2_threshold', 'threshold', 'major', from - 2 * DAY, from - DAY);
    await alarm(B, deviceOf(B, 'air-station'), 'air', 'no2_threshold', 'threshold', 'major', from + DAY, null);
    for (const [n, since] of [[0, from + HOUR], [1, from + 2 * DAY], [2, from + 6 * DAY], [3, from - DAY]] as const) {
      await alarm(A, deviceOf(A, 'parking-spot', n), 'parking', 'overstay', 'usage', 'info', since, since + 2 * HOUR);
    }
    await alarm(B, deviceOf(B, 'parking-spot'), 'parking', 'overstay', 'usage', 'info', from + 3 * DAY, from + 3 * DAY + HOUR);
  });
  afterAll(async () => {
    await p?.stop();
  });

  /** The Paris days of the period and an area's expected index on each: its worst station with an index. */
  function expectedDays(tenants: string[]): Array<[string, number | null]> {
    const indices = stationIndices(points.filter((x) => tenants.includes(x.tags.tenant!)));
    const days: string[] = [];
    for (let t = from; t < to; t += HOUR) if (!days.includes(parisDateOf(t))) days.push(parisDateOf(t));
    return days.map((date) => {
      const found = [...indices.values()].map((d) => d.get(date)).filter((i): i is number => typeof i === 'number');
      return [date, found.length ? Math.max(...found) : null];
    });
  }

  it('gives each EPCI its ATMO class on every Paris day of the week, "indisponible" where no station has an index', async () => {
    const body = await get(`/api/v1/kpis/air-quality?${range}`, p.keys.operator);
    expect(body.by).toBe('epci');
    const epciA = body.groups.find((g: { tenant: string }) => g.tenant === p.epciA);
    const epciOfB = body.groups.find((g: { tenant: string }) => g.tenant === epciB);
    for (const [group, tenants] of [[epciA, [A]], [epciOfB, [B]]] as const) {
      const expected = expectedDays([...tenants]);
      expect(group.days.map((d: { date: string; index: number | null }) => [d.date, d.index])).toEqual(expected);
      expect(group.days.map((d: { label: string }) => d.label)).toEqual(expected.map(([, i]) => (i === null ? 'indisponible' : LABELS[i - 1])));
      expect(group.classes.indisponible).toBe(expected.filter(([, i]) => i === null).length);
    }
    // The particle episode and the silences made the week worth checking.
    expect(epciA.days.some((d: { index: number }) => d.index >= 4)).toBe(true);
    expect(epciOfB.classes.indisponible).toBeGreaterThan(0);
    expect(epciA.classes.indisponible).toBe(0);
  });

  it('counts the threshold exceedances of the week by pollutant and level, and the days they covered', async () => {
    const body = await get(`/api/v1/kpis/air-quality?${range}`, p.keys.operator);
    const epciA = body.groups.find((g: { tenant: string }) => g.tenant === p.epciA);
    expect(epciA.exceedances).toEqual({ information: 1, alert: 1, days: 3, by_pollutant: { o3: { information: 0, alert: 1 }, pm10: { information: 1, alert: 0 } } });
    const b = body.groups.find((g: { tenant: string }) => g.tenant === epciB).exceedances;
    expect(b).toMatchObject({ information: 1, alert: 0, days: 7 });
    expect(body.total.exceedances).toMatchObject({ information: 2, alert: 1, days: 7 });
    // The département's day is its worst EPCI's.
    const worst = (await get(`/api/v1/kpis/air-quality?by=departement&${range}`, p.keys.cdn)).groups[0].days.map((d: { index: number | null }) => d.index);
    expect(worst).toEqual(epciA.days.map((d: { index: number | null }, i: number) => Math.max(d.index ?? 0, body.groups.find((g: { tenant: string }) => g.tenant === epciB).days[i].index ?? 0) || null));
  });

  it('measures on-street and off-street occupancy, rotation, mean stay, saturation and overstays per commune', async () => {
    const body = await get(`/api/v1/kpis/parking?by=commune&${range}`, p.keys.operator);
    for (const [tenant, overstays] of [[A, 3], [B, 1]] as const) {
      const g = body.groups.find((x: { tenant: string }) => x.tenant === tenant);
      const street = streetParking(ofTenant(tenant), from, to);
      const park = carParks(ofTenant(tenant), from, to);
      expect(g.on_street.spots, tenant).toBe(4);
      expect(g.on_street.observed_spot_h, tenant).toBeCloseTo(street.observedH, 1);
      expect(g.on_street.arrivals, tenant).toBe(street.arrivals);
      expect(g.on_street.occupancy_pct, tenant).toBeCloseTo((street.occupiedH / street.observedH) * 100, 0);
      expect(g.on_street.rotation, tenant).toBeCloseTo((street.arrivals * 24) / street.observedH, 1);
      expect(g.on_street.mean_stay_min, tenant).toBeCloseTo((street.occupiedH * 60) / street.arrivals, 0);
      expect(g.on_street.saturated_h, tenant).toBe(street.saturatedH);
      expect(g.on_street.overstays, tenant).toBe(overstays);
      expect(g.off_street.entries, tenant).toBe(park.entries);
      expect(g.off_street.occupancy_pct, tenant).toBeCloseTo((park.occupiedH / park.capacityH) * 100, 0);
      expect(g.off_street.mean_stay_min, tenant).toBeCloseTo((park.occupiedH * 60) / park.entries, 0);
      expect(g.off_street.saturated_h, tenant).toBe(park.saturatedH);
      expect(g.occupancy_pct, tenant).toBeCloseTo(((street.occupiedH + park.occupiedH) / (street.observedH + park.capacityH)) * 100, 0);
      expect(street.arrivals, tenant).toBeGreaterThan(20);
    }
    // The station car park of A fills up on weekday mornings.
    expect(body.groups.find((x: { tenant: string }) => x.tenant === A).off_street.saturated_h).toBeGreaterThan(0);
  });

  it('reports per EPCI and for the département, each row the same as the KPIs it gathers', async () => {
    const report = await get(`/api/v1/kpis/report?${range}`, p.keys.cdn);
    expect(report.rows.map((r: { level: string; tenant: string }) => [r.level, r.tenant])).toEqual([['epci', p.epciA], ['epci', epciB]].sort((a, b) => a[1]!.localeCompare(b[1]!)));
    expect(report.total).toMatchObject({ level: 'departement', tenant: '02', name: 'Aisne' });
    const [energy, air, parking, objects] = await Promise.all([
      get(`/api/v1/kpis/energy?by=epci&${range}`, p.keys.cdn),
      get(`/api/v1/kpis/air-quality?by=epci&${range}`, p.keys.cdn),
      get(`/api/v1/kpis/parking?by=epci&${range}`, p.keys.cdn),
      get('/api/v1/kpis/connected-objects?by=epci', p.keys.cdn),
    ]);
    for (const row of report.rows) {
      // A route's group without its id and name is the report row's section.
      const same = (list: Array<Record<string, unknown>>) => {
        const { tenant: _t, name: _n, ...figures } = list.find((g) => g.tenant === row.tenant)!;
        return figures;
      };
      expect(row.energy).toEqual(same(energy.groups));
      expect(row.air).toEqual(same(air.groups));
      expect(row.parking).toEqual(same(parking.groups));
      const registered = objects.groups.filter((g: { tenant: string }) => g.tenant === row.tenant).reduce((s: number, g: { registered: number }) => s + g.registered, 0);
      expect(row.connected_objects.registered).toBe(registered);
    }
    expect(report.total.parking.occupancy_pct).toBe(parking.total.occupancy_pct);
    expect(report.total.energy.saved).toEqual(energy.total.saved);
    expect(JSON.stringify(report)).not.toMatch(/"(aq|ps|cp|lc|lamp)-/);
    // The luminaires of this platform sent nothing this week: no savings are claimed for them.
    expect(report.total.energy.lighting).toMatchObject({ consumed_kwh: 0, coverage_pct: 0, savings: { kwh: 0, eur: 0, kgco2: 0 }, tenants_short_of_readings: 3 });
    expect(report.total.energy.lighting.baseline_kwh).toBeGreaterThan(0);
  });

  it('answers a period KPI with a JSON content type, the same text when asked again', async () => {
    const ask = () => fetch(`${p.url}/api/v1/kpis/energy?by=epci&${range}`, { headers: { authorization: `Bearer ${p.keys.cdn}` } });
    const [first, again] = [await ask(), await ask()];
    for (const res of [first, again]) expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const [a, b] = [await first.text(), await again.text()];
    expect(b).toBe(a);
    expect(JSON.parse(a).groups.map((g: { tenant: string }) => g.tenant).sort()).toEqual([p.epciA, epciB].sort());
  });

  it('serves the same report as CSV (format=csv): a header, one line per EPCI, the département last', async () => {
    const json = await get(`/api/v1/kpis/report?${range}`, p.keys.cdn);
    const res = await fetch(`${p.url}/api/v1/kpis/report?${range}&format=csv`, { headers: { authorization: `Bearer ${p.keys.cdn}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="hyperviseur-report-.*\.csv"$/);
    const lines = (await res.text()).split('\r\n');
    expect(lines.at(-1)).toBe('');
    const [header, ...rows] = lines.slice(0, -1).map((l) => l.split(','));
    expect(rows).toHaveLength(json.rows.length + 1);
    const column = (name: string) => header!.indexOf(name);
    for (const [i, row] of [...json.rows, json.total].entries()) {
      expect(rows[i]![column('tenant')]).toBe(row.tenant);
      expect(rows[i]![column('period_from')]).toBe(json.period.from);
      expect(Number(rows[i]![column('energy_saved_kwh')])).toBe(row.energy.saved.kwh);
      expect(Number(rows[i]![column('parking_occupancy_pct')])).toBe(row.parking.occupancy_pct);
      expect(Number(rows[i]![column('atmo_days_indisponible')])).toBe(row.air.classes.indisponible);
      expect(Number(rows[i]![column('objects_registered')])).toBe(row.connected_objects.registered);
    }
    expect(rows.at(-1)![column('level')]).toBe('departement');
  });

  it('gives a commune\'s key its own commune\'s row, never an EPCI it only partly sees, and refuses another commune', async () => {
    const report = await get(`/api/v1/kpis/report?${range}`, p.keys.communeA);
    expect(report.rows.map((r: { level: string; tenant: string; tenants: number }) => [r.level, r.tenant, r.tenants])).toEqual([['commune', A, 1]]);
    expect(report.total).toMatchObject({ level: 'total', tenant: null });
    const epci = await get(`/api/v1/kpis/report?${range}`, p.keys.epciA);
    expect(epci.rows.map((r: { level: string; tenant: string }) => [r.level, r.tenant])).toEqual([['epci', p.epciA]]);
    expect((await p.call('GET', `/api/v1/kpis/report?tenant=${B}&${range}`, { key: p.keys.communeA })).status).toBe(403);
    expect((await p.call('GET', `/api/v1/kpis/parking?tenant=${A}&${range}`, { key: p.keys.communeB })).status).toBe(403);
    expect((await p.call('GET', `/api/v1/kpis/air-quality?tenant=${p.epciA}&${range}`, { key: p.keys.communeA })).status).toBe(403);
  });
});
