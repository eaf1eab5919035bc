/**
 * Telegestion killed with SIGKILL mid-scenario and restarted: the alarms it had raised
 * stay open and are cleared once (never raised twice), the rules resume from their stored
 * state, and the commands still waiting for an ack are sent again and acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { DeviceType } from '@hv/contracts';
import { startNodeApp, stopAllNodeApps, type AppProcess } from '@hv/devkit';
import { connectGateway, mixedFleet, parseScenario, runScenario, type ScenarioResult } from '@hv/simulators';
import { Database } from '@hv/state';
import { CommandRepository, type CommandRecord } from '@hv/telegestion';
import { preparePlatform, SERVICE_ACCOUNT, type TestPlatform, sunsetDaysAgo } from '../support/platform';
import { freePort, waitFor } from '../support/wait';

const SEED = 'e2e-telegestion-restart';
const HOUR = 3_600_000;
const fleet = mixedFleet({ seed: SEED, tenants: [{ tenant: '02408' }], perTenant: { 'lighting-controller': 8, 'lighting-cabinet': 2, 'boiler-room': 2 } as Record<DeviceType, number>, lorawan: [] });
const lamps = fleet.devices.filter((d) => d.type === 'lighting-controller');
const boilers = fleet.devices.filter((d) => d.type === 'boiler-room');
/** Five hours before sunset, three days ago: the lamp faults are judged in the dark in any season. */
const start = sunsetDaysAgo(3) - 5 * HOUR;

/** Raised before the kill (≈ 6 h into the run) and repaired after the restart; one raised after. */
const faults = [
  { type: 'lamp_failure', device: lamps[0]!.id, atH: 3.5, untilH: 10 },
  { type: 'low_pressure', device: boilers[0]!.id, atH: 2, untilH: 9 },
  { type: 'voltage_out_of_range', device: lamps[1]!.id, atH: 9, untilH: 11 },
] as const;

describe('telegestion killed with SIGKILL mid-scenario and restarted', () => {
  let tp: TestPlatform;
  let gateway: MqttClient;
  let db: Database;
  let result: ScenarioResult;
  let openBeforeKill: Array<{ id: number; device_id: string; type: string }>;
  const commandIds = lamps.map((d, i) => `restart-${i}-${d.id}`);

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_restart', fleet.devices, SEED);
    db = new Database(tp.pgUrl);
    // Commands queued before telegestion starts; the devices do not listen yet, so they stay pending.
    const now = Date.now();
    await new CommandRepository(db).insert(
      null,
      lamps.map((d, i): CommandRecord => ({
        cmdId: commandIds[i]!, batchId: null, tenant: d.tenant, device: d.id, domain: 'lighting', body: { level_pct: 40, reason: 'manual' }, reason: 'manual',
        status: 'queued', attempts: 0, nextAttemptAt: now, expiresAt: null, createdAt: now, sentAt: null, ackedAt: null, ackStatus: null, reported: null, error: null,
      })),
    );

    const env = (extra: Record<string, string>) => ({
      HV_PG_URL: tp.config.HV_PG_URL, HV_INFLUX_URL: tp.config.HV_INFLUX_URL, HV_INFLUX_DB: tp.config.HV_INFLUX_DB,
      HV_SERVICE_USERNAME: SERVICE_ACCOUNT.username, HV_SERVICE_PASSWORD: SERVICE_ACCOUNT.password, HV_LOG_LEVEL: 'log', ...extra,
    });
    const brokerPort = String(await freePort());
    const broker = startNodeApp('apps/broker/src/main.js', env({ HV_BROKER_PORT: brokerPort, HV_HTTP_PORT: String(await freePort()) }), 'broker');
    await broker.waitFor(/broker up/);
    const url = `mqtt://127.0.0.1:${brokerPort}`;
    const tgEnv = env({
      HV_MQTT_URL: url, HV_MQTT_USERNAME: SERVICE_ACCOUNT.username, HV_MQTT_PASSWORD: SERVICE_ACCOUNT.password, HV_HTTP_PORT: String(await freePort()),
      HV_TELEGESTION_CLIENT_ID: 'restart-telegestion', HV_TELEGESTION_CLOCK: 'stream', HV_TELEGESTION_TICK_MS: '200',
      HV_COMMAND_ACK_TIMEOUT_S: '2', HV_COMMAND_RETRY_BASE_S: '1', HV_COMMAND_MAX_ATTEMPTS: '50',
    });
    let telegestion: AppProcess = startNodeApp('apps/telegestion/src/main.js', tgEnv, 'telegestion');
    await telegestion.waitFor(/telegestion up/);

    const gw = tp.gateways[0]!;
    gateway = await connectGateway(url, gw.username, gw.password);
    const scenario = parseScenario({
      name: 'restart', fleet: { kind: 'demo' }, start: new Date(start).toISOString(), duration_s: 14 * 3600, speed: 2400, step_ms: 15_000, seed: SEED,
      channels: ['telemetry', 'event'], event_share: 0,
      faults: faults.map((f) => ({ type: f.type, at_s: f.atH * 3600, until_s: f.untilH * 3600, devices: [f.device] })),
    });
    const run = runScenario(scenario, { transport: { kind: 'gateway', client: gateway }, fleet });

    // Both early faults raised, the commands sent at least once and unanswered: kill it.
    const open = () => db.query<{ id: number; device_id: string; type: string }>(`SELECT id::int, device_id, type FROM alarms WHERE state <> 'cleared' ORDER BY id`).then((r) => r.rows);
    openBeforeKill = await waitFor(open, (rows) => faults.slice(0, 2).every((f) => rows.some((r) => r.device_id === f.device && r.type === f.type)), 30_000, 100);
    const sent = await waitFor(() => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM commands WHERE status = 'sent'`).then((r) => r.rows[0]!.n), (n) => n === lamps.length, 10_000, 100);
    expect(sent).toBe(lamps.length);
    await telegestion.kill();

    // While it is down, the devices start listening to their commands.
    await gateway.subscribeAsync('hv/v1/02408/+/+/cmd', { qos: 1 });
    await new Promise((r) => setTimeout(r, 1_500));
    telegestion = startNodeApp('apps/telegestion/src/main.js', tgEnv, 'telegestion-restarted');
    await telegestion.waitFor(/telegestion up/);
    result = await run;
    await waitFor(
      () => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alarms WHERE state = 'cleared'`).then((r) => r.rows[0]!.n),
      (n) => n >= faults.length,
      30_000,
    );
  }, 180_000);
  afterAll(async () => {
    await gateway?.endAsync();
    await stopAllNodeApps();
    await db?.close();
    await tp?.stop();
  });

  it('was killed mid-scenario with alarms open', () => {
    expect(result.interrupted).toBe(false);
    expect(openBeforeKill.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the alarms raised before the kill, clears them once, and raises nothing twice', async () => {
    const { rows } = await db.query<{ id: number; device_id: string; type: string; state: string; since: Date; cleared_at: Date | null }>(
      `SELECT id::int, device_id, type, state, since, cleared_at FROM alarms WHERE kind <> 'usage' ORDER BY id`,
    );
    expect(rows.map((r) => `${r.type} ${r.device_id}`).sort()).toEqual(faults.map((f) => `${f.type} ${f.device}`).sort());
    for (const f of faults) {
      const a = rows.find((r) => r.device_id === f.device && r.type === f.type)!;
      expect(a.state, `${f.type} ${f.device}`).toBe('cleared');
      expect(a.cleared_at!.getTime()).toBeGreaterThanOrEqual(start + f.untilH * HOUR);
    }
    for (const before of openBeforeKill) expect(rows.find((r) => r.device_id === before.device_id && r.type === before.type)!.id).toBe(before.id);
  });

  it('sends the pending commands again after the restart, and each is acknowledged', async () => {
    const repo = new CommandRepository(db);
    const commands = await waitFor(() => Promise.all(commandIds.map((id) => repo.get(id))), (cs) => cs.every((c) => c?.status === 'acknowledged'), 20_000);
    for (const c of commands) {
      expect(c).toMatchObject({ status: 'acknowledged', reported: { level_pct: 40 } });
      expect(c!.attempts).toBeGreaterThan(1);
    }
  });
});
