/**
 * An all-in-one hypervisor for end-to-end tests, on the real test services, with its own
 * PostgreSQL database, InfluxDB database, spool folder and ports; and the MQTT clients the
 * tests drive it with. `stop()` undoes everything, whatever state the test left.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig, type HvConfig } from '@hv/config';
import { GATEWAY_USERNAME_PREFIX, gatewayClientId, serviceClientId } from '@hv/contracts';
import { sunTimes } from '@hv/lighting';
import { provisionFleet, provisionPrograms, type GatewayCredentials } from '@hv/devkit';
import type { SimDevice } from '@hv/simulators';
import { Database } from '@hv/state';
import { startAllInOne, type RunningPlatform } from '../../apps/all-in-one/src/all-in-one';
import { createTestDatabase, createTestInfluxDb, testServiceEnv } from './services';
import { freePort } from './wait';

export const SERVICE_ACCOUNT = { username: 'hv-service', password: 'hv-e2e-service-password' };

export interface TestPlatform {
  config: HvConfig;
  platform: RunningPlatform | undefined;
  influx: { url: string; db: string };
  pgUrl: string;
  gateways: GatewayCredentials[];
  spoolDir: string;
  start(): Promise<RunningPlatform>;
  stop(): Promise<void>;
}

/**
 * Provisions `devices` (secrets from `seed`, one gateway per tenant) in a fresh database and
 * returns a platform ready to start. `overrides` are HV_* variables.
 */
export async function preparePlatform(name: string, devices: readonly SimDevice[], seed: string, overrides: Record<string, string> = {}): Promise<TestPlatform> {
  const env = testServiceEnv();
  const pg = await createTestDatabase(name, env);
  const influx = await createTestInfluxDb(name, env);
  const spoolDir = await mkdtemp(join(tmpdir(), `hv-${name}-`));
  const db = new Database(pg.url);
  const { gateways } = await provisionFleet(db, devices, { seed, gateways: true })
    .then(async (r) => (await provisionPrograms(db, devices), r))
    .finally(() => db.close());
  const config = loadConfig(
    {},
    {
      HV_PG_URL: pg.url,
      HV_INFLUX_URL: influx.url,
      HV_INFLUX_DB: influx.db,
      HV_BROKER_PORT: String(await freePort()),
      HV_HTTP_PORT: String(await freePort()),
      HV_SERVICE_USERNAME: SERVICE_ACCOUNT.username,
      HV_SERVICE_PASSWORD: SERVICE_ACCOUNT.password,
      HV_INGEST_CLIENT_ID: `hv-ingest-${name}`.slice(0, 64),
      HV_INGEST_SPOOL_DIR: spoolDir,
      HV_LOG_LEVEL: 'warn',
      ...overrides,
    },
  );
  const tp: TestPlatform = {
    config,
    platform: undefined,
    influx: { url: influx.url, db: influx.db },
    pgUrl: pg.url,
    gateways,
    spoolDir,
    async start() {
      tp.platform = await startAllInOne(config);
      return tp.platform;
    },
    async stop() {
      await tp.platform?.close().catch(() => undefined);
      tp.platform = undefined;
      await influx.drop().catch(() => undefined);
      await pg.drop().catch(() => undefined);
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
  return tp;
}

/**
 * An MQTT 3.1.1 client; resolves once connected, rejects with the broker's refusal. The
 * client id is put in the namespace of the credentials (DEVICE-CONTRACT.md, Credentials):
 * a device's own id, `gateway:{id}:{clientId}`, the service account's `hv:{clientId}`, as
 * the broker refuses any other. `connectRaw` sends it as given (attacks).
 */
export function connect(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return connectRaw(url, { ...options, clientId: ownClientId(options.username, options.clientId) });
}

/** The client id the broker accepts for these credentials, named `name` where there is a choice. */
export function ownClientId(username: string | undefined, name: string | undefined): string | undefined {
  if (!username) return name;
  if (username === SERVICE_ACCOUNT.username) return serviceClientId(name ?? `e2e-${process.pid}`);
  if (username.startsWith(GATEWAY_USERNAME_PREFIX)) return gatewayClientId(username, name);
  return username;
}

/** An MQTT 3.1.1 client with exactly these options. */
export function connectRaw(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** A dead-letter listener: every message on hv/dlq/v1/#, parsed. */
export async function listenDeadLetters(url: string): Promise<{ letters: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const client = await connect(url, { ...SERVICE_ACCOUNT, clientId: `hv-e2e-dlq-${process.pid}-${Date.now()}` });
  const letters: Array<Record<string, unknown>> = [];
  client.on('message', (_topic, payload) => letters.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>));
  await client.subscribeAsync('hv/dlq/v1/#', { qos: 1 });
  return { letters, close: () => client.endAsync() };
}

/** Laon, where the simulated communes' sun times are checked (DOMAIN.md). */
const LAON = { lat: 49.5641, lon: 3.6199 };

/**
 * Scenario starts for the end-to-end suites: within ingest's 31-day window, and placed
 * against the sun rather than the clock, so that a fault meant to happen in the dark does
 * whatever the season the suite runs in. `sunsetDaysAgo(3) - 5 h` is about noon in winter.
 */
export function sunsetDaysAgo(days: number): number {
  const noon = Date.parse(`${new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)}T12:00:00Z`);
  return sunTimes(noon, LAON.lat, LAON.lon).sunsetMs!;
}

/** Midnight (UTC) `days` ago: the start of a simulated day or week. */
export const midnightDaysAgo = (days: number): number => Date.parse(`${new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
