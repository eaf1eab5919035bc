/**
 * Air quality and parking data for the console's KPI pages: a few days of an air station, a
 * classroom CO2 sensor, on-street spots and a car park in communes A and B of an
 * `ApiPlatform`, simulated and written as ingest stores them (kpi-week.ts), aggregated with
 * the real AggregatesService, and the alarms telegestion would have raised (a particle
 * episode's threshold alarms, overstays, classroom CO2 findings).
 */
import { AggregatesService } from '@hv/aggregates';
import { Environment, mixedFleet, type SimDevice } from '@hv/simulators';
import { DeviceRepository, TenantRepository } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import type { ApiPlatform } from './api-platform';
import { DAY, HOUR, MIN, simulate, writeAll } from './kpi-week';
import { midnightDaysAgo } from './platform';

export interface SeededKpis {
  devices: SimDevice[];
  /** The first device of a tenant's type. */
  deviceOf(tenant: string, type: string): string;
  /** B's EPCI (A's is the platform's `epciA`). */
  epciB: string;
}

/** Seeds the platform (started with `HV_AGGREGATES_EVERY_S: '0'`, so that nothing else aggregates). */
export async function seedAirAndParking(p: ApiPlatform): Promise<SeededKpis> {
  const A = p.tenants.A.tenant;
  const B = p.tenants.B.tenant;
  const epciB = (await new TenantRepository(p.db).findById(B))!.parentId!;
  const fleet = mixedFleet({
    seed: 'console-kpis',
    tenants: [{ tenant: A, epci: p.epciA }, { tenant: B, epci: epciB }],
    perTenant: { 'air-station': 1, 'co2-sensor': 1, 'parking-spot': 3, 'car-park': 1 },
  });
  const devices = fleet.devices;
  const registry = new DeviceRepository(p.db);
  for (const d of devices) await registry.create({ id: d.id, tenant: d.tenant, type: d.type, ...(d.devEui ? { devEui: d.devEui } : {}), attributes: d.attributes as Record<string, unknown> });
  const deviceOf = (tenant: string, type: string) => devices.find((d) => d.tenant === tenant && d.type === type)!.id;

  // Four days up to now, with a particle episode two days ago: "mauvais" days for both EPCI.
  const D = midnightDaysAgo(4);
  const now = Date.now();
  const env = new Environment('console-kpis', { episodes: [{ from: D + 2 * DAY, to: D + 3 * DAY, pm10Ugm3: 70 }] });
  const air = simulate(devices.filter((d) => d.type === 'air-station'), { seed: 'console-kpis', env, fromMs: D, toMs: now, stepMs: 15 * MIN });
  const parking = simulate(devices.filter((d) => d.domain === 'parking'), { seed: 'console-kpis', fromMs: D, toMs: now, stepMs: 5 * MIN, eventChance: 0.05 });
  const influx = new InfluxRepository({ url: p.tp.influx.url, database: p.tp.influx.db });
  try {
    await writeAll(influx, [...air, ...parking]);
  } finally {
    influx.close();
  }
  await p.tp.platform!.app.get(AggregatesService).run(D, now);

  const alarm = (tenant: string, device: string, domain: string, type: string, kind: string, severity: string, since: number, cleared: number | null, value: number | null = null) =>
    p.db.query(
      `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, raised_at, state, cleared_at, value) VALUES ($1, $2, $3, $4, $5, $6, 'detected', $7, $7, $8, $9, $10)`,
      [tenant, device, domain, type, kind, severity, new Date(since), cleared ? 'cleared' : 'active', cleared ? new Date(cleared) : null, value],
    );
  await alarm(A, deviceOf(A, 'air-station'), 'air', 'pm10_threshold', 'threshold', 'major', D + 2 * DAY + 6 * HOUR, D + 2 * DAY + 20 * HOUR);
  await alarm(A, deviceOf(A, 'air-station'), 'air', 'o3_threshold', 'threshold', 'critical', D + 3 * DAY + 13 * HOUR, D + 3 * DAY + 16 * HOUR);
  await alarm(B, deviceOf(B, 'air-station'), 'air', 'no2_threshold', 'threshold', 'major', D + DAY + 8 * HOUR, null);
  await alarm(A, deviceOf(A, 'parking-spot'), 'parking', 'overstay', 'usage', 'info', D + DAY + 10 * HOUR, D + DAY + 12 * HOUR);
  await alarm(A, deviceOf(A, 'parking-spot'), 'parking', 'overstay', 'usage', 'info', D + 2 * DAY + 10 * HOUR, D + 2 * DAY + 11 * HOUR);
  await alarm(B, deviceOf(B, 'parking-spot'), 'parking', 'overstay', 'usage', 'info', D + 3 * DAY + 9 * HOUR, D + 3 * DAY + 10 * HOUR);
  // Classroom CO2: two findings in A (one still open), one in B.
  await alarm(A, deviceOf(A, 'co2-sensor'), 'air', 'co2_high', 'finding', 'minor', D + DAY + 9 * HOUR, D + DAY + 10 * HOUR, 1_640);
  await alarm(A, deviceOf(A, 'co2-sensor'), 'air', 'co2_high', 'finding', 'minor', now - 2 * HOUR, null, 1_720);
  await alarm(B, deviceOf(B, 'co2-sensor'), 'air', 'co2_high', 'finding', 'minor', D + 2 * DAY + 9 * HOUR, D + 2 * DAY + 11 * HOUR, 1_580);
  return { devices, deviceOf, epciB };
}
