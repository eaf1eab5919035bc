/**
 * Connected objects by domain and state, against counts made here from the registry and
 * the alarms the test itself raised: one luminaire silent (communication loss), one with a
 * lamp failure, one with both, one with a cleared fault and a finding (still ok), one retired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRepository, type Database } from '@hv/state';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';

async function alarm(db: Database, tenant: string, device: string, type: string, kind: string, state: 'active' | 'cleared' = 'active'): Promise<void> {
  await db.query(
    `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, state, cleared_at)
     VALUES ($1, $2, 'lighting', $3, $4, 'major', 'detected', now(), $5, CASE WHEN $5 = 'cleared' THEN now() END)`,
    [tenant, device, type, kind, state],
  );
}

describe('KPI: connected objects', () => {
  let p: ApiPlatform;
  const A = '02408';

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_kpis');
    const devices = new DeviceRepository(p.db);
    for (let i = 1; i <= 5; i++) await devices.create({ id: `lamp-kpi-${i}`, tenant: A, type: 'lighting-controller' });
    await devices.create({ id: 'co2-kpi-1', tenant: A, type: 'co2-sensor', devEui: '00112233aabbccdd' });
    await alarm(p.db, A, 'lamp-kpi-1', 'communication_loss', 'fault');
    await alarm(p.db, A, 'lamp-kpi-2', 'lamp_failure', 'fault');
    await alarm(p.db, A, 'lamp-kpi-3', 'communication_loss', 'fault');
    await alarm(p.db, A, 'lamp-kpi-3', 'lamp_failure', 'fault');
    await alarm(p.db, A, 'lamp-kpi-4', 'lamp_failure', 'fault', 'cleared');
    await alarm(p.db, A, 'lamp-kpi-4', 'lit_outside_program', 'finding');
    await devices.retire('lamp-kpi-5');
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('counts a commune\'s objects by domain, each in one state, the states adding up to the registered count', async () => {
    const all = await new DeviceRepository(p.db).listByTenant(A, { includeRetired: true });
    const lighting = all.filter((d) => d.domain === 'lighting');
    const active = lighting.filter((d) => d.retiredAt === null).length;
    const res = await p.call('GET', `/api/v1/kpis/connected-objects?tenant=${A}`, { key: p.keys.communeA });
    expect(res.status).toBe(200);
    expect(res.body.groups).toEqual([
      { tenant: A, domain: 'lighting', registered: active, ok: active - 3, faulty: 1, offline: 2, retired: 1 },
      { tenant: A, domain: 'air', registered: 1, ok: 1, faulty: 0, offline: 0, retired: 0 },
    ].sort((a, b) => a.domain.localeCompare(b.domain)));
  });

  it('groups an EPCI\'s communes under its SIREN, for its own key', async () => {
    const res = await p.call('GET', '/api/v1/kpis/connected-objects?by=epci', { key: p.keys.epciA });
    const expected = (await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE tenant_id = ANY($1) AND domain = 'lighting' AND retired_at IS NULL`, [[A, p.tenants.A2.tenant]])).rows[0]!.n;
    expect(res.body.groups.map((g: { tenant: string }) => g.tenant)).toEqual([p.epciA, p.epciA]);
    expect(res.body.groups.find((g: { domain: string }) => g.domain === 'lighting').registered).toBe(expected);
  });

  it('gives the CDN the whole département in one group per domain, and no device', async () => {
    const res = await p.call('GET', '/api/v1/kpis/connected-objects?by=departement', { key: p.keys.cdn });
    const { rows } = await p.db.query<{ domain: string; n: number }>(`SELECT domain, count(*)::int AS n FROM devices WHERE retired_at IS NULL GROUP BY domain ORDER BY domain`);
    expect(res.body.groups.map((g: { tenant: string; domain: string; registered: number }) => [g.tenant, g.domain, g.registered])).toEqual(rows.map((r) => ['02', r.domain, r.n]));
    expect(res.body.totals.map((t: { registered: number }) => t.registered).reduce((a: number, b: number) => a + b, 0)).toBe(rows.reduce((a, r) => a + r.n, 0));
    expect(JSON.stringify(res.body)).not.toMatch(/lamp-|lc-/);
    // The CDN reads indicators, never a device.
    expect((await p.call('GET', `/api/v1/devices/${p.tenants.A.device}`, { key: p.keys.cdn })).status).toBe(403);
  });
});
