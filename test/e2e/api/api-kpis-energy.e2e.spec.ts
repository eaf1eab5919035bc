/**
 * The energy KPI over a simulated week, against values computed here from the raw points
 * the simulated devices wrote (and an independent NOAA sun calculator): commune A switches
 * its lights off 23:00–05:00, its sibling A2 keeps them on all night, B dims them; A and B
 * heat public buildings, compared with the week before normalised by degree-days; A has
 * findings cleared in the week. A's money and carbon factors are its own (HV_RULES_FILE).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatesService } from '@hv/aggregates';
import type { Point } from '@hv/contracts';
import { noaa } from '../../../libs/lighting/src/testing/noaa';
import { lightingFleet, mixedFleet, type SimDevice } from '@hv/simulators';
import { DeviceRepository, TenantRepository, type Device } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { DAY, fieldOf, HOUR, MIN, simDeviceOf, simulate, writeAll } from '../../support/kpi-week';
import { midnightDaysAgo } from '../../support/platform';

const A_FACTORS = { eur_per_kwh_electricity: 0.25, kgco2_per_kwh_electricity: 0.05, eur_per_kwh_gas: 0.12 };
const DEFAULT_FACTORS = { eur_per_kwh_electricity: 0.2, kgco2_per_kwh_electricity: 0.06, eur_per_kwh_gas: 0.1, kgco2_per_kwh_gas: 0.227 };
/** Where a commune whose luminaires have no position reads its sun (docs: the centre of the Aisne). */
const AISNE = { lat: 49.5641, lon: 3.6199 };

/** Full-output power of a luminaire as the test reads the registry: rated × losses (LED 6 % by default). */
const fullW = (d: Device) => (d.attributes.rated_power_w ?? 60) * (typeof d.attributes.loss_factor === 'number' ? d.attributes.loss_factor : d.attributes.technology === 'hps' ? 1.12 : 1.06);

/** Hours from each sunset to the next sunrise inside [from, to), by the reference NOAA calculator. */
function darkHoursNoaa(from: number, to: number, place: { lat: number; lon: number }): number {
  let ms = 0;
  for (let day = Math.floor(from / DAY) * DAY - DAY; day < to; day += DAY) {
    const date = (t: number) => new Date(t).toISOString().slice(0, 10);
    const dusk = noaa(date(day), place).sunset;
    const dawn = noaa(date(day + DAY), place).sunrise;
    ms += Math.max(0, Math.min(dawn, to) - Math.max(dusk, from));
  }
  return ms / HOUR;
}

/** A counter's advance over [from, to): its last reading before `to` minus its last before `from`, per device, summed. */
function advance(points: readonly Point[], field: string, from: number, to: number): number {
  const last = new Map<string, { before: number; end: number }>();
  for (const p of points) {
    const v = fieldOf(p, field);
    if (typeof v !== 'number') continue;
    const d = last.get(p.tags.device!) ?? last.set(p.tags.device!, { before: Number.NaN, end: Number.NaN }).get(p.tags.device!)!;
    if (p.timestampMs < from) d.before = v;
    if (p.timestampMs < to) d.end = v;
  }
  return [...last.values()].reduce((s, d) => s + d.end - d.before, 0);
}

describe('KPI: energy and savings over a simulated week', () => {
  let p: ApiPlatform;
  let rulesDir: string;
  const A = '02408';
  const B = '02691';
  let A2: string;
  // The data: a day before the period (each meter's value at its start), the week, a day after.
  const D = midnightDaysAgo(9);
  const from = D + DAY + 12 * HOUR;
  const to = from + 7 * DAY;
  const reference = { from: from - 7 * DAY, to: from };
  const lamps = new Map<string, Device[]>();
  let lighting: Point[] = [];
  let heating: Point[] = [];
  const q = (tenant: string | undefined, by: string, extra = '') =>
    `/api/v1/kpis/energy?${tenant ? `tenant=${tenant}&` : ''}by=${by}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&reference_from=${new Date(reference.from).toISOString()}&reference_to=${new Date(reference.to).toISOString()}${extra}`;

  beforeAll(async () => {
    rulesDir = await mkdtemp(join(tmpdir(), 'hv-kpi-rules-'));
    const rulesFile = join(rulesDir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify({ [A]: { factors: A_FACTORS } }));
    p = await startApiPlatform('e2e_api_kpi_energy', { HV_RULES_FILE: rulesFile, HV_AGGREGATES_EVERY_S: '0' });
    A2 = p.tenants.A2.tenant;
    const epciB = (await new TenantRepository(p.db).findById(B))!.parentId;
    const registry = new DeviceRepository(p.db);
    // Four more luminaires in A, with the simulators' asset data (ratings, losses, positions).
    for (const d of lightingFleet({ seed: 'kpi-energy', tenant: A, controllers: 4, cabinets: 0 }).devices) {
      await registry.create({ id: `kpi-${d.id}`, tenant: A, type: d.type, attributes: { ...d.attributes } as Record<string, unknown> });
    }
    const rooms = mixedFleet({ seed: 'kpi-energy', tenants: [{ tenant: A }, { tenant: B }], perTenant: { 'boiler-room': 2 } }).devices;
    for (const d of rooms) await registry.create({ id: d.id, tenant: d.tenant, type: d.type, attributes: d.attributes as Record<string, unknown> });

    // Each commune's night policy, as the simulated luminaires play it.
    const policy: Record<string, Record<string, unknown>> = {
      [A]: { night_mode: 'off', night_from_h: 23, night_to_h: 5 },
      [A2]: { night_mode: 'full' },
      [B]: { night_mode: 'dim', night_from_h: 22, night_to_h: 6, dim_level_pct: 50 },
    };
    const sims: SimDevice[] = [];
    for (const tenant of [A, A2, B]) {
      const list = (await registry.listByTenant(tenant)).filter((d) => d.type === 'lighting-controller');
      lamps.set(tenant, list);
      sims.push(...list.map((d) => simDeviceOf(d, tenant === B ? epciB : p.epciA, policy[tenant])));
    }
    // One reading a minute (the contract's is 10): the simulated meter integrates between
    // readings, so its error at each switch is at most half a step.
    lighting = simulate(sims, { seed: 'kpi-energy', fromMs: D, toMs: D + 9 * DAY, stepMs: MIN });
    const roomSims = rooms.map((d) => ({ ...d, epci: d.tenant === B ? epciB : p.epciA }));
    heating = simulate(roomSims, { seed: 'kpi-energy', fromMs: reference.from - DAY, toMs: D + 9 * DAY, stepMs: 5 * MIN });
    const influx = new InfluxRepository({ url: p.tp.influx.url, database: p.tp.influx.db });
    try {
      await writeAll(influx, [...lighting, ...heating]);
    } finally {
      influx.close();
    }
    await p.tp.platform!.app.get(AggregatesService).run(reference.from - DAY, D + 9 * DAY);

    // Findings: two of A cleared in the week, one of B cleared before it, one of B still open.
    const finding = (tenant: string, device: string, domain: string, type: string, clearedAt: number | null, kwh: number, eur: number, kgco2: number) =>
      p.db.query(
        `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, state, cleared_at, savings_kwh, savings_eur, savings_kgco2)
         VALUES ($1, $2, $3, $4, 'finding', 'minor', 'detected', $5, $6, $7, $8, $9, $10)`,
        [tenant, device, domain, type, new Date((clearedAt ?? to) - 6 * HOUR), clearedAt ? 'cleared' : 'active', clearedAt ? new Date(clearedAt) : null, kwh, eur, kgco2],
      );
    await finding(A, lamps.get(A)![0]!.id, 'lighting', 'lit_outside_program', from + 2 * DAY, 12.5, 3.125, 0.625);
    await finding(A, rooms[0]!.id, 'heating', 'unoccupied_heating', from + 4 * DAY, 100, 12, 22.7);
    await finding(B, rooms[2]!.id, 'heating', 'unoccupied_heating', from - DAY, 50, 5, 11.35);
    await finding(B, rooms[3]!.id, 'heating', 'mild_weather_heating', null, 20, 2, 4.54);
  });
  afterAll(async () => {
    await p?.stop();
    if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
  });

  /** What the test expects of a commune's lighting, from the raw points and the registry. */
  function expectedLighting(tenant: string) {
    const list = lamps.get(tenant)!;
    const placed = list.filter((d) => typeof d.attributes.lat === 'number' && typeof d.attributes.lon === 'number');
    const cell = (x: number) => Math.round(x / 0.01) * 0.01;
    const place = placed.length
      ? { lat: cell(placed.reduce((s, d) => s + d.attributes.lat!, 0) / placed.length), lon: cell(placed.reduce((s, d) => s + d.attributes.lon!, 0) / placed.length) }
      : AISNE;
    const installedW = list.reduce((s, d) => s + fullW(d), 0);
    const baselineKwh = (installedW * darkHoursNoaa(from, to, place)) / 1000;
    const consumedKwh = advance(lighting.filter((x) => x.tags.tenant === tenant), 'energy_wh', from, to) / 1000;
    return { installedW, baselineKwh, consumedKwh, savingsKwh: baselineKwh - consumedKwh };
  }

  it('gives each commune the energy its luminaires\' meters recorded, and a baseline of full power from sunset to sunrise', async () => {
    const res = await p.call('GET', q(undefined, 'commune'), { key: p.keys.operator });
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    for (const tenant of [A, A2, B]) {
      const group = res.body.groups.find((g: { tenant: string }) => g.tenant === tenant);
      const e = expectedLighting(tenant);
      expect(group.lighting.luminaires, tenant).toBe(lamps.get(tenant)!.length);
      expect(group.lighting.installed_kw, tenant).toBeCloseTo(e.installedW / 1000, 3);
      expect(group.lighting.consumed_kwh, tenant).toBeCloseTo(e.consumedKwh, 2);
      // The reference calculator and the lighting library agree within 2 minutes a sun time.
      expect(Math.abs(group.lighting.baseline_kwh - e.baselineKwh), tenant).toBeLessThan(0.005 * e.baselineKwh);
      expect(Math.abs(group.lighting.savings.kwh - e.savingsKwh), tenant).toBeLessThan(0.005 * e.baselineKwh);
      expect(group.lighting.coverage_pct, tenant).toBe(100);
    }
  });

  it('saves what an extinction from 23:00 to 05:00 saves: six hours a night of the commune\'s installed power, within 1 %', async () => {
    const res = await p.call('GET', q(A, 'commune'), { key: p.keys.communeA });
    const [group] = res.body.groups;
    const installedW = lamps.get(A)!.reduce((s, d) => s + fullW(d), 0);
    const hoursSaved = 6 * 7;
    expect(group.tenant).toBe(A);
    expect(Math.abs(group.lighting.savings.kwh / ((installedW * hoursSaved) / 1000) - 1)).toBeLessThan(0.01);
    // Kept all night, A2 saves next to nothing; dimmed to 50 % for 8 hours, B saves about 4 hours' worth.
    const all = (await p.call('GET', q(undefined, 'commune'), { key: p.keys.operator })).body.groups;
    const a2 = all.find((g: { tenant: string }) => g.tenant === A2).lighting;
    expect(Math.abs(a2.savings.kwh)).toBeLessThan(0.01 * a2.baseline_kwh);
    const b = all.find((g: { tenant: string }) => g.tenant === B).lighting;
    expect(b.savings_pct).toBeGreaterThan(15);
  });

  it('prices each commune\'s savings with its own factors (A\'s from the rules file, the others\' defaults)', async () => {
    const groups = (await p.call('GET', q(undefined, 'commune'), { key: p.keys.operator })).body.groups;
    for (const [tenant, f] of [[A, A_FACTORS], [A2, DEFAULT_FACTORS], [B, DEFAULT_FACTORS]] as const) {
      const s = groups.find((g: { tenant: string }) => g.tenant === tenant).lighting.savings;
      expect(s.eur, tenant).toBeCloseTo(s.kwh * f.eur_per_kwh_electricity, 1);
      expect(s.kgco2, tenant).toBeCloseTo(s.kwh * f.kgco2_per_kwh_electricity, 1);
    }
  });

  it('normalises the boiler rooms\' gas by degree-days (base 18) against the reference week', async () => {
    const groups = (await p.call('GET', q(undefined, 'commune'), { key: p.keys.operator })).body.groups;
    for (const [tenant, gasEur] of [[A, A_FACTORS.eur_per_kwh_gas], [B, DEFAULT_FACTORS.eur_per_kwh_gas]] as const) {
      const points = heating.filter((x) => x.tags.tenant === tenant);
      const dju = (f: number, t: number) => {
        let sum = 0;
        for (let day = Math.floor(f / DAY) * DAY; day < t; day += DAY) {
          const temps = points.filter((x) => x.timestampMs >= day && x.timestampMs < day + DAY).map((x) => fieldOf(x, 'outdoor_c') as number);
          const share = (Math.min(day + DAY, t) - Math.max(day, f)) / DAY;
          sum += Math.max(0, 18 - (Math.min(...temps) + Math.max(...temps)) / 2) * share;
        }
        return sum;
      };
      const gas = advance(points, 'gas_kwh', from, to);
      const gasBefore = advance(points, 'gas_kwh', reference.from, reference.to);
      const normalised = (gasBefore * dju(from, to)) / dju(reference.from, reference.to);
      const h = groups.find((g: { tenant: string }) => g.tenant === tenant).heating;
      expect(h.boiler_rooms, tenant).toBe(2);
      expect(h.consumed_kwh, tenant).toBeCloseTo(gas, 2);
      expect(h.reference.consumed_kwh, tenant).toBeCloseTo(gasBefore, 2);
      expect(h.dju, tenant).toBeCloseTo(dju(from, to), 1);
      expect(h.normalised_reference_kwh, tenant).toBeCloseTo(normalised, 2);
      expect(h.savings.kwh, tenant).toBeCloseTo(normalised - gas, 2);
      expect(h.savings.eur, tenant).toBeCloseTo((normalised - gas) * gasEur, 1);
      expect(h.savings.kgco2, tenant).toBeCloseTo((normalised - gas) * 0.227, 2);
    }
  });

  it('reports the findings cleared in the week apart from the metered savings', async () => {
    const groups = (await p.call('GET', q(undefined, 'commune'), { key: p.keys.operator })).body.groups;
    const a = groups.find((g: { tenant: string }) => g.tenant === A);
    expect(a.findings.cleared).toBe(2);
    expect(a.findings.savings.kwh).toBeCloseTo(112.5, 6);
    expect(a.findings.savings.eur).toBeCloseTo(15.13, 6);
    expect(a.findings.savings.kgco2).toBeCloseTo(23.325, 6);
    expect(Object.keys(a.findings.by_domain)).toEqual(['heating', 'lighting']);
    expect(a.findings.by_domain.lighting).toEqual({ cleared: 1, savings: { kwh: 12.5, eur: 3.13, kgco2: 0.625 } });
    expect(groups.find((g: { tenant: string }) => g.tenant === B).findings.cleared).toBe(0);
    expect(a.saved.kwh).toBeCloseTo(a.lighting.savings.kwh + a.heating.savings.kwh, 2);
  });

  it('folds the communes into their EPCI and the département, and each key sees its own scope only', async () => {
    const communes = (await p.call('GET', q(undefined, 'commune'), { key: p.keys.operator })).body.groups;
    const of = (t: string) => communes.find((g: { tenant: string }) => g.tenant === t);
    const epci = await p.call('GET', q(undefined, 'epci'), { key: p.keys.epciA });
    expect(epci.body.groups.map((g: { tenant: string }) => g.tenant)).toEqual([p.epciA]);
    expect(epci.body.groups[0].lighting.consumed_kwh).toBeCloseTo(of(A).lighting.consumed_kwh + of(A2).lighting.consumed_kwh, 2);
    expect(epci.body.groups[0].lighting.luminaires).toBe(of(A).lighting.luminaires + of(A2).lighting.luminaires);
    const cdn = await p.call('GET', q(undefined, 'departement'), { key: p.keys.cdn });
    expect(cdn.body.groups.map((g: { tenant: string; name: string }) => [g.tenant, g.name])).toEqual([['02', 'Aisne']]);
    expect(cdn.body.groups[0].saved.kwh).toBeCloseTo(communes.reduce((s: number, g: { saved: { kwh: number } }) => s + g.saved.kwh, 0), 1);
    expect(JSON.stringify(cdn.body)).not.toMatch(/"(lc|kpi|br|lamp)-/);
    // A commune's key: its own commune, and another's refused.
    const own = await p.call('GET', q(undefined, 'commune'), { key: p.keys.communeA });
    expect(own.body.groups.map((g: { tenant: string }) => g.tenant)).toEqual([A]);
    expect((await p.call('GET', q(B, 'commune'), { key: p.keys.communeA })).status).toBe(403);
    expect((await p.call('GET', q(A2, 'commune'), { key: p.keys.communeB })).status).toBe(403);
  });

  it('refuses a period that has not ended yet or runs backwards, naming the field', async () => {
    const soon = new Date(Date.now() + 2 * HOUR).toISOString();
    const future = await p.call('GET', `/api/v1/kpis/energy?from=${soon}&to=${new Date(Date.now() + 3 * HOUR).toISOString()}`, { key: p.keys.operator });
    expect(future.status).toBe(400);
    expect(future.body.issues.map((i: { field: string }) => i.field)).toEqual(['query.from']);
    const backwards = await p.call('GET', `/api/v1/kpis/energy?from=${new Date(to).toISOString()}&to=${new Date(from).toISOString()}`, { key: p.keys.operator });
    expect(backwards.body.issues.map((i: { field: string }) => i.field)).toEqual(['query.from']);
    const half = await p.call('GET', q(undefined, 'commune').replace(/&reference_to=[^&]+/, ''), { key: p.keys.operator });
    expect(half.body.issues.map((i: { field: string }) => i.field)).toEqual(['query.reference_to']);
  });
});
