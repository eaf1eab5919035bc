/**
 * The API routes the console reads beside the registry's: the map (per commune and a
 * commune's devices), device search by text, a tenant's groups, a device's latest commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';

describe('what the console reads: map, search, groups, a device\'s commands', () => {
  let p: ApiPlatform;
  const op = () => p.keys.operator;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_console_reads');
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('the map has one point per commune with its devices\' states, and the devices of a commune with their positions', async () => {
    const { body } = await p.call('GET', '/api/v1/map/communes', { key: op() });
    for (const t of [p.tenants.A, p.tenants.B]) {
      const commune = body.communes.find((c: { tenant: string }) => c.tenant === t.tenant);
      // The devices the registry holds with a position (a device may be registered without one).
      const registered = (await p.call('GET', `/api/v1/devices?tenant=${t.tenant}&limit=1000`, { key: op() })).body.devices as Array<{ attributes: { lat?: unknown; lon?: unknown } }>;
      const positioned = registered.filter((d) => typeof d.attributes.lat === 'number' && typeof d.attributes.lon === 'number').length;
      expect(positioned).toBeGreaterThan(0);
      expect(commune).toMatchObject({ tenant: t.tenant, name: expect.any(String), devices: positioned });
      expect(commune.ok + commune.faulty + commune.offline).toBe(commune.devices);
      expect(commune.lat).toBeGreaterThan(49);
      expect(commune.lat).toBeLessThan(50.2);
    }
    const devices = await p.call('GET', `/api/v1/map/devices?tenant=${p.tenants.A.tenant}`, { key: p.keys.communeA });
    expect(devices.body.truncated).toBe(false);
    expect(devices.body.devices.length).toBeGreaterThan(0);
    expect(devices.body.devices.every((d: { id: string; lat: number; state: string }) => d.id.includes(p.tenants.A.tenant) && d.lat > 49 && ['ok', 'faulty', 'offline'].includes(d.state))).toBe(true);
    expect((await p.call('GET', `/api/v1/map/devices?tenant=${p.tenants.B.tenant}`, { key: p.keys.communeA })).status).toBe(403);
  });

  it('devices are found by text in their id or name, case aside, and % or _ are plain characters', async () => {
    const all = await p.call('GET', `/api/v1/devices?tenant=${p.tenants.A.tenant}&limit=1000`, { key: op() });
    const one = all.body.devices[0] as { id: string };
    const found = await p.call('GET', `/api/v1/devices?q=${encodeURIComponent(one.id.toUpperCase())}`, { key: op() });
    expect(found.body.devices.map((d: { id: string }) => d.id)).toContain(one.id);
    expect(found.body.total).toBeLessThan(all.body.total + 1);
    expect((await p.call('GET', '/api/v1/devices?q=%25', { key: op() })).body.total).toBe(0);
    expect((await p.call('GET', '/api/v1/devices?q=_', { key: op() })).body.total).toBe(0);
  });

  it("a tenant's groups, and a device's latest commands", async () => {
    const groups = await p.call('GET', `/api/v1/tenants/${p.tenants.A.tenant}/groups`, { key: p.keys.communeA });
    expect(groups.body.groups).toContainEqual({ id: p.tenants.A.group, name: 'Rue A', devices: 1 });
    const commands = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/commands?limit=5`, { key: p.keys.communeA });
    expect(commands.body.commands.map((c: { cmdId: string }) => c.cmdId)).toContain(p.tenants.A.command);
    expect((await p.call('GET', `/api/v1/devices/${p.tenants.B.device}/commands`, { key: p.keys.communeA })).status).toBe(404);
  });
});
