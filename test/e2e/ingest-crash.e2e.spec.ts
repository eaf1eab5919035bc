/**
 * Fault: the ingest process is killed with SIGKILL mid-stream and restarted. Whatever it
 * had received but not made durable was not acknowledged, so the broker redelivers it to
 * the persistent session; what it had spooled is replayed from disk. Nothing is lost, and
 * since writes are idempotent, nothing is stored twice.
 * 1. the embedded broker (broker app, its own process) and one ingest process;
 * 2. Mosquitto and two ingest processes on one shared subscription, one of them killed.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { influxCount, startNodeApp, stopAllNodeApps, type AppProcess } from '@hv/devkit';
import { FleetPublisher, lightingFleet, messages, type Fleet } from '@hv/simulators';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { freePort, metricSum, waitFor } from '../support/wait';
import { testServiceEnv } from '../support/services';

const SEED = 'e2e-crash';
const RATE = 2_000;
const COUNT = 40_000; // 20 s at RATE

function appEnv(tp: TestPlatform, extra: Record<string, string>): Record<string, string> {
  const c = tp.config;
  return {
    HV_PG_URL: c.HV_PG_URL,
    HV_INFLUX_URL: c.HV_INFLUX_URL,
    HV_INFLUX_DB: c.HV_INFLUX_DB,
    HV_SERVICE_USERNAME: SERVICE_ACCOUNT.username,
    HV_SERVICE_PASSWORD: SERVICE_ACCOUNT.password,
    HV_LOG_LEVEL: 'log',
    ...extra,
  };
}

async function ingestMetrics(port: string): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

async function publishFleet(url: string, fleets: Fleet[], auth: (tenant: string) => { username?: string; password?: string }): Promise<number> {
  const perFleet = COUNT / fleets.length;
  const acked = await Promise.all(
    fleets.map(async (fleet, i) => {
      const tenant = fleet.devices[0]!.tenant;
      const client = await connect(url, { ...auth(tenant), clientId: `crash-pub-${tenant}-${Date.now()}` });
      try {
        const stream = messages(fleet, { seed: `${SEED}-${i}`, count: perFleet, startMs: Date.now() - 3 * 3_600_000, stepMs: 50, channels: ['telemetry'] });
        return (await new FleetPublisher(client).publish(stream, { ratePerS: RATE / fleets.length, window: 1_000, qos: 1 })).acked;
      } finally {
        await client.endAsync();
      }
    }),
  );
  return acked.reduce((a, b) => a + b, 0);
}

const storedCount = async (tp: TestPlatform) => (await influxCount(tp.influx.url, tp.influx.db, 'lighting_controller')) + (await influxCount(tp.influx.url, tp.influx.db, 'lighting_cabinet'));

describe('ingest killed with SIGKILL mid-stream', () => {
  const fleets = ['02408', '02691'].map((tenant, i) => lightingFleet({ seed: `${SEED}-${i}`, tenant, controllers: 100, cabinets: 2 }));
  const platforms: TestPlatform[] = [];

  afterEach(async () => {
    await stopAllNodeApps();
  });
  afterAll(async () => {
    await stopAllNodeApps();
    for (const tp of platforms) await tp.stop();
  });

  it('loses nothing through the embedded broker: unacknowledged messages are redelivered after the restart', async () => {
    const tp = await preparePlatform('e2e_crash_embedded', fleets.flatMap((f) => f.devices), SEED);
    platforms.push(tp);
    const brokerPort = String(await freePort());
    const broker = startNodeApp('apps/broker/src/main.js', appEnv(tp, { HV_BROKER_PORT: brokerPort, HV_HTTP_PORT: String(await freePort()) }), 'broker');
    await broker.waitFor(/broker up/);
    const url = `mqtt://127.0.0.1:${brokerPort}`;
    const ingestPort = String(await freePort());
    const ingestEnv = appEnv(tp, { HV_MQTT_URL: url, HV_MQTT_USERNAME: SERVICE_ACCOUNT.username, HV_MQTT_PASSWORD: SERVICE_ACCOUNT.password, HV_HTTP_PORT: ingestPort, HV_INGEST_CLIENT_ID: 'crash-ingest', HV_INGEST_SPOOL_DIR: tp.spoolDir });
    let ingest: AppProcess = startNodeApp('apps/ingest/src/main.js', ingestEnv, 'ingest');
    await ingest.waitFor(/ingest up/);

    const gateways = new Map(tp.gateways.map((g) => [g.tenant, g]));
    const publishing = publishFleet(url, fleets, (tenant) => ({ username: gateways.get(tenant)!.username, password: gateways.get(tenant)!.password }));
    await waitFor(() => storedCount(tp), (n) => n >= COUNT / 4, 60_000);
    await ingest.kill();
    const atKill = await storedCount(tp);
    expect(atKill).toBeLessThan(COUNT); // killed mid-stream
    await new Promise((r) => setTimeout(r, 2_000));
    ingest = startNodeApp('apps/ingest/src/main.js', ingestEnv, 'ingest-restarted');
    await ingest.waitFor(/ingest up/);
    expect(await publishing).toBe(COUNT);

    const stored = await waitFor(() => storedCount(tp), (n) => n >= COUNT, 120_000, 500);
    expect(stored).toBe(COUNT);
    const after = await ingestMetrics(ingestPort);
    expect(metricSum(after, 'hv_ingest_rejected_total')).toBe(0);
  });

  it('loses nothing and stores nothing twice through Mosquitto with two ingest instances on a shared subscription', async () => {
    const tp = await preparePlatform('e2e_crash_shared', fleets.flatMap((f) => f.devices), SEED);
    platforms.push(tp);
    const url = testServiceEnv().mosquittoUrl;
    const ports = [String(await freePort()), String(await freePort())];
    const envOf = (i: number) => appEnv(tp, { HV_MQTT_URL: url, HV_HTTP_PORT: ports[i]!, HV_INGEST_CLIENT_ID: `shared-ingest-${i}-${Date.now() % 100000}`, HV_INGEST_SHARED_GROUP: `hv-e2e-${Date.now()}`, HV_INGEST_SPOOL_DIR: `${tp.spoolDir}/${i}` });
    const group = `hv-e2e-${Date.now()}`;
    const envs = [0, 1].map((i) => ({ ...envOf(i), HV_INGEST_SHARED_GROUP: group }));
    const instances = envs.map((env, i) => startNodeApp('apps/ingest/src/main.js', env, `ingest-${i}`));
    await Promise.all(instances.map((p) => p.waitFor(/ingest up/)));

    // Mosquitto's test instance accepts anonymous clients (its ACLs are not under test here).
    const publishing = publishFleet(url, fleets, () => ({}));
    await waitFor(() => storedCount(tp), (n) => n >= COUNT / 4, 60_000);
    const before = await ingestMetrics(ports[1]!);
    await instances[1]!.kill();
    const receivedBeforeKill = metricSum(before, 'hv_ingest_received_total');
    await new Promise((r) => setTimeout(r, 2_000));
    instances[1] = startNodeApp('apps/ingest/src/main.js', envs[1]!, 'ingest-1-restarted');
    await instances[1].waitFor(/ingest up/);
    expect(await publishing).toBe(COUNT);

    const stored = await waitFor(() => storedCount(tp), (n) => n >= COUNT, 120_000, 500);
    expect(stored).toBe(COUNT);
    // Both instances took a share of the stream.
    const finals = await Promise.all(ports.map(ingestMetrics));
    expect(receivedBeforeKill).toBeGreaterThan(0);
    expect(metricSum(finals[0]!, 'hv_ingest_received_total')).toBeGreaterThan(0);
    expect(metricSum(finals[1]!, 'hv_ingest_received_total')).toBeGreaterThan(0);
    for (const m of finals) expect(metricSum(m, 'hv_ingest_rejected_total')).toBe(0);
  });
});
