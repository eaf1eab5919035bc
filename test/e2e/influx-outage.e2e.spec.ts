/**
 * Fault: InfluxDB stops for 30 s while devices publish 2,000 msg/s. Ingest must spool to
 * disk, keep acknowledging, report InfluxDB down in /health, and, once InfluxDB is back,
 * replay the spool so that every message is stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPublisher, lightingFleet, messages, type SimMessage } from '@hv/simulators';
import { services } from '../support/services';
import { connect, preparePlatform, type TestPlatform } from '../support/platform';
import { metricSum, scrape, waitFor } from '../support/wait';
import { influxCount } from '@hv/devkit';

const SEED = 'e2e-outage';
const RATE = 2_000; // msg/s, the floor
const SECONDS = 50; // 10 s before the outage, 30 s of outage, 10 s after
const OUTAGE_MS = 30_000;

describe('InfluxDB outage during 2,000 msg/s', () => {
  const fleets = ['02408', '02691'].map((tenant, i) => lightingFleet({ seed: `${SEED}-${i}`, tenant, controllers: 200, cabinets: 4 }));
  let tp: TestPlatform;
  let influxStopped = false;

  beforeAll(async () => {
    tp = await preparePlatform('e2e_outage', fleets.flatMap((f) => f.devices), SEED);
    await tp.start();
  });

  afterAll(async () => {
    if (influxStopped) await services('start', 'influxdb');
    await tp?.stop();
  });

  it('spools while InfluxDB is down and replays every message once when it is back', async () => {
    const perFleet = (RATE / fleets.length) * SECONDS;
    const streams = fleets.map((f, i) => [...messages(f, { seed: `${SEED}-${i}`, count: perFleet, startMs: Date.now() - 2 * 3_600_000, stepMs: 20, channels: ['telemetry'] })] as SimMessage[]);
    const total = perFleet * fleets.length;
    const publishing = tp.gateways.map(async (g, i) => {
      const client = await connect(tp.platform!.brokerUrl, { username: g.username, password: g.password, clientId: `outage-${g.tenant}` });
      try {
        return await new FleetPublisher(client).publish(streams[i]!, { ratePerS: RATE / fleets.length, window: 2_000, qos: 1 });
      } finally {
        await client.endAsync();
      }
    });

    await new Promise((r) => setTimeout(r, 10_000));
    await services('stop', 'influxdb');
    influxStopped = true;
    const outageStart = Date.now();
    const health = await waitFor(
      async () => (await (await fetch(`${tp.platform!.httpUrl}/health`)).json()) as { status: string; checks: Record<string, { up: boolean }> },
      (h) => h.status === 'degraded',
      10_000,
    );
    expect(health.checks.influxdb?.up).toBe(false);
    const spooling = await waitFor(() => scrape(tp.platform!.httpUrl), (m) => metricSum(m, 'hv_ingest_spool_bytes') > 0, 20_000);
    expect(metricSum(spooling, 'hv_ingest_spool_bytes')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStart))));
    await services('start', 'influxdb');
    influxStopped = false;

    const results = await Promise.all(publishing);
    // Publishing kept its pace through the outage: acks did not stop while the spool had room.
    for (const r of results) expect(r.acked).toBe(perFleet);
    const stored = await waitFor(() => influxCount(tp.influx.url, tp.influx.db, 'lighting_controller').then(async (n) => n + (await influxCount(tp.influx.url, tp.influx.db, 'lighting_cabinet'))), (n) => n >= total, 120_000, 1_000);
    expect(stored).toBe(total);

    const metrics = await waitFor(() => scrape(tp.platform!.httpUrl), (m) => metricSum(m, 'hv_ingest_spool_bytes') === 0, 60_000);
    const spooled = metricSum(metrics, 'hv_ingest_spooled_points_total');
    expect(spooled).toBeGreaterThan(RATE * 10); // at least 10 s of traffic went through the spool
    expect(metricSum(metrics, 'hv_ingest_replayed_points_total')).toBe(spooled);
    expect(metricSum(metrics, 'hv_ingest_stored_points_total') + spooled).toBe(metricSum(metrics, 'hv_ingest_received_total'));
    expect(metricSum(metrics, 'hv_ingest_rejected_total')).toBe(0);
    const after = (await (await fetch(`${tp.platform!.httpUrl}/health`)).json()) as { status: string };
    expect(after.status).toBe('ok');
  });
});
