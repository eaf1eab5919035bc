/**
 * Data quality per tenant through the real pipeline: a commune's gateway publishes its lamps'
 * telemetry with two sequence numbers missing and one malformed message; ingest and
 * telegestion report them (every second here); the API answers each tenant its own figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '@hv/contracts';
import { connectGateway } from '@hv/simulators';
import type { MqttClient } from 'mqtt';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { waitFor } from '../../support/wait';

let p: ApiPlatform;
let gatewayA: MqttClient;
let gatewayB: MqttClient;

const reading = (seq: number, ts: number) => JSON.stringify({ ts, seq, on: true, level_pct: 80, power_w: 40, energy_wh: 100 + seq });

beforeAll(async () => {
  p = await startApiPlatform('e2e_quality', { HV_TELEGESTION_GAPS_REPORT_S: '1', HV_INGEST_REPORT_S: '1' });
  const brokerUrl = p.tp.platform!.brokerUrl;
  const gw = (tenant: string) => p.tp.gateways.find((g) => g.tenant === tenant)!;
  gatewayA = await connectGateway(brokerUrl, gw(p.tenants.A.tenant).username, gw(p.tenants.A.tenant).password);
  gatewayB = await connectGateway(brokerUrl, gw(p.tenants.B.tenant).username, gw(p.tenants.B.tenant).password);
  const now = Date.now() - 60_000;
  // A's lamp: 1, 2, 3, then 6, 7 (4 and 5 lost), and one reading whose level is not a number.
  for (const seq of [1, 2, 3, 6, 7]) await gatewayA.publishAsync(deviceTopic(p.tenants.A.tenant, 'lighting', p.tenants.A.device, 'telemetry'), reading(seq, now + seq * 1000), { qos: 1 });
  await gatewayA.publishAsync(deviceTopic(p.tenants.A.tenant, 'lighting', p.tenants.A.device, 'telemetry'), JSON.stringify({ ts: now + 8000, seq: 8, on: true, level_pct: 'bright', power_w: 40, energy_wh: 108 }), { qos: 1 });
  // B's lamp: nothing lost.
  for (const seq of [1, 2, 3]) await gatewayB.publishAsync(deviceTopic(p.tenants.B.tenant, 'lighting', p.tenants.B.device, 'telemetry'), reading(seq, now + seq * 1000), { qos: 1 });
  // A silent device of A: an open communication loss, as telegestion raises it.
  await p.db.query(
    `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since) VALUES ($1, $2, 'lighting', 'communication_loss', 'fault', 'major', 'detected', now() - interval '2 hours')`,
    [p.tenants.A2.tenant, `lamp-${p.tenants.A2.tenant}-1`],
  );
});
afterAll(async () => {
  await gatewayA?.endAsync();
  await gatewayB?.endAsync();
  await p?.stop();
});

describe('GET /api/v1/data-quality', () => {
  it("gives each tenant its uplinks, losses, refusals and silent devices, and none of another's", async () => {
    const operator = await waitFor(
      () => p.call('GET', '/api/v1/data-quality', { key: p.keys.operator }),
      (res) => {
        const a = res.body.tenants?.find((t: { tenant: string }) => t.tenant === p.tenants.A.tenant);
        const b = res.body.tenants?.find((t: { tenant: string }) => t.tenant === p.tenants.B.tenant);
        return a?.received === 5 && a?.lost === 2 && a?.rejects.length === 1 && b?.received === 3 && res.body.ingest.lagMaxMs !== null;
      },
      30_000,
      500,
    );
    const a = operator.body.tenants.find((t: { tenant: string }) => t.tenant === p.tenants.A.tenant);
    expect(a).toMatchObject({ received: 5, lost: 2, expected: 7, lossPct: 28.57, duplicates: 0, lossiest: [{ device: p.tenants.A.device, lost: 2 }], silent: [] });
    expect(a.rejects).toEqual([{ reason: expect.any(String), count: 1 }]);
    const b = operator.body.tenants.find((t: { tenant: string }) => t.tenant === p.tenants.B.tenant);
    expect(b).toMatchObject({ received: 3, lost: 0, expected: 3, lossPct: 0, rejects: [], lossiest: [] });
    expect(operator.body.hours.reduce((n: number, h: { received: number }) => n + h.received, 0)).toBe(8);
    expect(operator.body.unregisteredRejects).toBe(0);
    const a2 = operator.body.tenants.find((t: { tenant: string }) => t.tenant === p.tenants.A2.tenant);
    expect(a2.silent).toEqual([{ device: `lamp-${p.tenants.A2.tenant}-1`, since: expect.any(String) }]);

    // A commune sees itself alone, whether it asks for itself or for everything it sees.
    for (const path of ['/api/v1/data-quality', `/api/v1/data-quality?tenant=${p.tenants.A.tenant}`]) {
      const own = await p.call('GET', path, { session: p.sessions.communeA });
      expect(own.status).toBe(200);
      expect(own.body.tenants.map((t: { tenant: string }) => t.tenant)).toEqual([p.tenants.A.tenant]);
      expect(own.body.hours.reduce((n: number, h: { received: number }) => n + h.received, 0)).toBe(5);
      expect(own.body).not.toHaveProperty('unregisteredRejects');
    }
    expect((await p.call('GET', `/api/v1/data-quality?tenant=${p.tenants.B.tenant}`, { key: p.keys.communeA })).status).toBe(403);
    // The EPCI asked for by id stands for itself and its communes: A and A2, not B.
    const epci = await p.call('GET', `/api/v1/data-quality?tenant=${p.epciA}`, { key: p.keys.epciA });
    const seen = epci.body.tenants.map((t: { tenant: string }) => t.tenant);
    expect(seen).toEqual(expect.arrayContaining([p.tenants.A.tenant, p.tenants.A2.tenant]));
    expect(seen).not.toContain(p.tenants.B.tenant);
  });

  it('names the bad field of a bad period', async () => {
    const backwards = await p.call('GET', `/api/v1/data-quality?from=${new Date().toISOString()}&to=${new Date(Date.now() - 3_600_000).toISOString()}`, { key: p.keys.operator });
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues[0].field).toBe('query.from');
    const long = await p.call('GET', `/api/v1/data-quality?from=${new Date(Date.now() - 40 * 86_400_000).toISOString()}`, { key: p.keys.operator });
    expect(long.status).toBe(400);
  });
});
