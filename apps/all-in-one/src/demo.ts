/**
 * `npm start`: the hypervisor on embedded defaults with a simulated lighting fleet.
 * Starts a local InfluxDB and PostgreSQL (infra/services.sh, data in .hv/dev), registers
 * the Aisne's tenants and a small Laon lighting fleet, starts the all-in-one app (embedded
 * broker, ingest, telegestion, the aggregation, the API and the notifier, /metrics, /health),
 * issues an operator API key for this run, then connects every simulated lamp with its own
 * credentials and publishes. Ctrl-C stops what it started. HV_DEMO_DURATION_S stops it
 * after that many seconds (used by the test that proves this command works).
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { ConfigError, loadConfig, type HvConfig } from '@hv/config';
import { ensurePgDatabase, ensureServices, influxCount, provisionFleet, provisionPrograms, repoRoot, serviceEnv, stopServices, type ServiceName } from '@hv/devkit';
import { connectDevice, demoFleet, deviceSecret, messages, type SimDevice, type SimMessage } from '@hv/simulators';
import { ApiKeyRepository, Database } from '@hv/state';
import { startAllInOne, type RunningPlatform } from './all-in-one';

const DEMO_SEED = 'hyperviseur-demo';
/** Each simulated lamp reports every 5 s (real ones every 10 min: the demo is sped up). */
const REPORT_EVERY_MS = 5_000;
const STATUS_EVERY_MS = 10_000;

const say = (s: string) => console.log(`[demo] ${s}`);

function isLocal(url: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const stops: Array<() => Promise<unknown>> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const s of stops.reverse()) await s().catch((e: Error) => console.error(`[demo] while stopping: ${e.message}`));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    await run(config, stops);
  } catch (error) {
    console.error(`[demo] ${error instanceof ConfigError ? error.message : (error as Error).stack}`);
    await stop(1);
  }
  const duration = Number(process.env.HV_DEMO_DURATION_S ?? 0);
  if (duration > 0) setTimeout(() => void stop(0), duration * 1000);
}

async function run(config: HvConfig, stops: Array<() => Promise<unknown>>): Promise<void> {
  // 1. Local InfluxDB and PostgreSQL, unless the configuration points elsewhere.
  const env = serviceEnv(
    process.env.HV_RUN_DIR ?? join(repoRoot(), '.hv', 'dev'),
    Number(new URL(config.HV_INFLUX_URL).port || 8086),
    Number(new URL(config.HV_PG_URL).port || 5432),
    Number(process.env.HV_MOSQUITTO_PORT ?? 11883),
  );
  const wanted = [isLocal(config.HV_INFLUX_URL) && 'influxdb', isLocal(config.HV_PG_URL) && 'postgres'].filter(Boolean) as ServiceName[];
  say(`starting ${wanted.join(' and ')} (data in ${env.runDir}; the first run installs them with apt-get)`);
  const started = await ensureServices(wanted, env);
  stops.push(async () => say(started.length ? `stopping ${started.join(' and ')}` : 'leaving the services running (they were running before)'));
  stops.push(() => stopServices(started, env));
  await ensurePgDatabase(config.HV_PG_URL);

  // 2. Registry: the Aisne's tenants and the demo fleet (idempotent).
  const fleet = demoFleet();
  const db = new Database(config.HV_PG_URL);
  const { created } = await provisionFleet(db, fleet.devices, { seed: DEMO_SEED })
    .then(async (r) => (await provisionPrograms(db, fleet.devices), r))
    .finally(() => db.close());
  say(`registry: ${fleet.devices.length} simulated devices of Laon (${created} newly registered)`);

  // 3. The hypervisor.
  const platform = await startAllInOne(config);
  stops.push(() => platform.close());
  const apiKey = await demoApiKey(platform);

  // 4. The fleet: every device connects with its own credentials and publishes.
  const clients = new Map<string, MqttClient>();
  stops.push(async () => Promise.all([...clients.values()].map((c) => c.endAsync())));
  for (const device of fleet.devices) clients.set(device.id, await connectDevice(platform.brokerUrl, device, deviceSecret(DEMO_SEED, device.id)));
  const publisher = publishForever(fleet.devices, clients);
  stops.push(async () => publisher.stop());

  banner(config, platform, fleet.devices.length, apiKey);
  const status = setInterval(() => void printStatus(config, platform, publisher.sent()), STATUS_EVERY_MS);
  stops.push(async () => clearInterval(status));
}

/** Paces the fleet's stream in real time: each device once per REPORT_EVERY_MS. */
function publishForever(devices: SimDevice[], clients: Map<string, MqttClient>): { stop(): void; sent(): number } {
  const ratePerS = (devices.length * 1000) / REPORT_EVERY_MS;
  const stream: Iterator<SimMessage> = messages(
    { seed: DEMO_SEED, devices },
    { seed: Date.now(), count: Number.MAX_SAFE_INTEGER, startMs: Date.now(), stepMs: 1000 / ratePerS, channels: ['telemetry', 'event'] },
  )[Symbol.iterator]();
  const t0 = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) / 1000) * ratePerS);
    while (sent < due) {
      const next = stream.next();
      if (next.done) return;
      const m = next.value;
      clients.get(m.device.id)?.publish(m.topic, m.payload, { qos: 1 });
      sent++;
    }
  }, 100);
  return { stop: () => clearInterval(timer), sent: () => sent };
}

/** An operator key of this run, so the banner's API calls work as printed (issued through the running app's own repository). */
async function demoApiKey(platform: RunningPlatform): Promise<string> {
  const key = await platform.app.get(ApiKeyRepository).create({ name: `demo ${new Date().toISOString()}`, role: 'operator', tenant: null, createdBy: 'demo' });
  return key.key;
}

function banner(config: HvConfig, platform: RunningPlatform, devices: number, apiKey: string): void {
  const q = `SELECT count(power_w) FROM lighting_controller`;
  console.log(`
Hyperviseur is running: ${devices} simulated lamps and cabinets of Laon publish through the embedded broker.

  Metrics      ${platform.httpUrl}/metrics        (hv_ingest_received_total, hv_ingest_stored_points_total, …)
  Health       ${platform.httpUrl}/health         (InfluxDB, PostgreSQL, broker)
  MQTT broker  ${platform.brokerUrl}         (devices log in with their own credentials)
  Alarms       psql ${config.HV_PG_URL} -c "SELECT type, device_id, state, since FROM alarms"
               (telegestion's alarms; their events on hv/events/v1/{tenant}/alarm and in InfluxDB "alarm_event")
  HTTP API     ${platform.httpUrl}/api/v1/openapi.json   (the OpenAPI document; an operator key of this run:)
    curl -H "Authorization: Bearer ${apiKey}" "${platform.httpUrl}/api/v1/devices?tenant=02408"
    curl -H "Authorization: Bearer ${apiKey}" "${platform.httpUrl}/api/v1/alarms?tenant=02408"
  Grafana      dashboards/generated/*.json with infra/grafana/provisioning (docs/GRAFANA.md)
  InfluxDB     ${config.HV_INFLUX_URL}, database "${config.HV_INFLUX_DB}"
  Stored points:
    curl -sG ${config.HV_INFLUX_URL}/query --data-urlencode db=${config.HV_INFLUX_DB} --data-urlencode "q=${q}"

Ctrl-C stops the fleet, the hypervisor and the services this command started.
`);
}

async function printStatus(config: HvConfig, platform: RunningPlatform, sent: number): Promise<void> {
  try {
    let stored = 0;
    for (const m of ['lighting_controller', 'lighting_cabinet', 'device_event']) stored += await influxCount(config.HV_INFLUX_URL, config.HV_INFLUX_DB, m);
    const health = (await (await fetch(`${platform.httpUrl}/health`)).json()) as { status: string };
    say(`published ${sent} messages; InfluxDB holds ${stored} points (telemetry and events); health: ${health.status}`);
  } catch (error) {
    say(`status unavailable: ${(error as Error).message}`);
  }
}

void main();
