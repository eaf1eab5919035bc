/**
 * The clear by hand across processes, as deployed apart: the broker, telegestion and the
 * HTTP API each in its own process; the API shares only PostgreSQL with telegestion, so its
 * clear reaches telegestion through NOTIFY alone. Telegestion publishes the `cleared` event
 * once (MQTT and InfluxDB), its stored rule state holds the condition as closed by hand,
 * the ongoing fault does not raise the alarm again, and a new fault (the supply healthy,
 * then out of range again) raises a new alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startNodeApp, stopAllNodeApps } from '@hv/devkit';
import { connectGateway, type ScenarioResult } from '@hv/simulators';
import { ApiKeyRepository, Database } from '@hv/state';
import { preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { freePort, waitFor } from '../support/wait';
import {
  alarmsOfLamp, expectClearedOnce, fleet, firstH, HOUR, lamp, listenAlarmEvents, newFaultH, play, secondStart, SEED, start, TYPE, type AlarmEvent, type AlarmRow,
} from './telegestion-clear-by-hand.fixtures';

describe('an alarm cleared through the API app ends the rule condition in the telegestion app (separate processes)', () => {
  let tp: TestPlatform;
  let db: Database;
  let gateway: MqttClient;
  let listener: MqttClient;
  let published: AlarmEvent[];
  const runs: ScenarioResult[] = [];
  const pids: number[] = [];
  let clearedId: number;
  let clearResponse: { status: number; body: Record<string, unknown> };
  let rows: AlarmRow[];
  let closedByHandAt: number | null;

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_clear_split', fleet.devices, SEED);
    db = new Database(tp.pgUrl, { max: 2 });
    const key = (await new ApiKeyRepository(db).create({ name: 'e2e operator', role: 'operator', tenant: null, createdBy: 'e2e' })).key;
    const env = async (extra: Record<string, string>) => ({
      HV_PG_URL: tp.config.HV_PG_URL, HV_INFLUX_URL: tp.config.HV_INFLUX_URL, HV_INFLUX_DB: tp.config.HV_INFLUX_DB,
      HV_SERVICE_USERNAME: SERVICE_ACCOUNT.username, HV_SERVICE_PASSWORD: SERVICE_ACCOUNT.password, HV_LOG_LEVEL: 'log', HV_HTTP_PORT: String(await freePort()), ...extra,
    });
    const brokerPort = String(await freePort());
    const brokerUrl = `mqtt://127.0.0.1:${brokerPort}`;
    const broker = startNodeApp('apps/broker/src/main.js', await env({ HV_BROKER_PORT: brokerPort }), 'broker');
    await broker.waitFor(/broker up/);
    const telegestion = startNodeApp('apps/telegestion/src/main.js', await env({
      HV_MQTT_URL: brokerUrl, HV_MQTT_USERNAME: SERVICE_ACCOUNT.username, HV_MQTT_PASSWORD: SERVICE_ACCOUNT.password,
      HV_TELEGESTION_CLIENT_ID: 'clear-split-telegestion', HV_TELEGESTION_CLOCK: 'stream', HV_TELEGESTION_TICK_MS: '200',
    }), 'telegestion');
    const apiEnv = await env({});
    const api = startNodeApp('apps/api/src/main.js', apiEnv, 'api');
    await Promise.all([telegestion.waitFor(/telegestion up/), api.waitFor(/api up/, 30_000)]);
    pids.push(broker.child.pid!, telegestion.child.pid!, api.child.pid!);
    const httpUrl = `http://127.0.0.1:${apiEnv.HV_HTTP_PORT}`;

    ({ client: listener, published } = await listenAlarmEvents(brokerUrl, 'tg-clear-split-listener'));
    const gw = tp.gateways[0]!;
    gateway = await connectGateway(brokerUrl, gw.username, gw.password);

    // The fault begins and is never repaired in this run: one open alarm.
    runs.push(await play(gateway, 'fault ongoing', start, firstH, [{ at_s: 3600, until_s: 99 * 3600 }]));
    const open = await waitFor(() => alarmsOfLamp(db), (r) => r.length === 1 && r[0]!.state === 'active', 30_000);
    clearedId = open[0]!.id;

    // The operator clears it through the API process while the lamp still reports the bad voltage.
    const res = await fetch(`${httpUrl}/api/v1/alarms/${clearedId}/clear`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    clearResponse = { status: res.status, body: (await res.json()) as Record<string, unknown> };
    await waitFor(() => published, (p) => p.some((e) => e.event === 'cleared' && e.alarm.id === clearedId), 10_000);
    // Telegestion's stored rule state learns that the condition was closed by hand (written once the event is out).
    const ruleState = () =>
      db.query<{ at: string | null }>(`SELECT state::jsonb #>> ARRAY['types', $2, 'closedByHandAt'] AS at FROM rule_states WHERE device_id = $1`, [lamp.id, TYPE]).then((r) => r.rows[0]?.at ?? null);
    closedByHandAt = await waitFor(ruleState, (at) => at !== null, 5_000).then((at) => (at === null ? null : Number(at)));

    // The same fault goes on for 2 h, the supply is healthy for 1 h, then out of range again.
    runs.push(await play(gateway, 'fault goes on, ends, comes back', secondStart, 6, [
      { at_s: 0, until_s: 2 * 3600 },
      { at_s: newFaultH * 3600, until_s: 99 * 3600 },
    ]));
    rows = await waitFor(() => alarmsOfLamp(db), (r) => r.length >= 2, 30_000);
    await waitFor(() => published, (p) => p.some((e) => e.event === 'raised' && e.alarm.id === rows[1]?.id), 10_000);
  }, 180_000);

  afterAll(async () => {
    await gateway?.endAsync(true);
    await listener?.endAsync(true);
    await stopAllNodeApps();
    await db?.close();
    await tp?.stop();
  });

  it('ran the broker, telegestion and the API as three processes, and played both runs whole', () => {
    expect(new Set([process.pid, ...pids]).size).toBe(4);
    expect(runs.map((r) => r.interrupted)).toEqual([false, false]);
  });

  it('the API process closes the alarm in the name of the key that asked', () => {
    expect(clearResponse.status).toBe(200);
    expect(clearResponse.body).toMatchObject({ id: clearedId, state: 'cleared', clearedBy: expect.stringContaining('e2e operator') });
  });

  it("telegestion's stored rule state holds the condition as closed by hand, at the API's clear", async () => {
    const { rows: [alarm] } = await db.query<{ cleared_at: Date }>('SELECT cleared_at FROM alarms WHERE id = $1', [clearedId]);
    expect(closedByHandAt).toBe(alarm!.cleared_at.getTime());
  });

  it('telegestion publishes the clear once, on MQTT and in InfluxDB, and nothing when the old fault ends', async () => {
    await expectClearedOnce(published, tp.influx, clearedId, rows[1]!.id);
  });

  it('the old fault does not raise it again; the new fault raises a new alarm', async () => {
    const all = await alarmsOfLamp(db);
    expect(all).toHaveLength(2);
    expect(all[0]).toMatchObject({ id: clearedId, state: 'cleared', cleared_by: expect.stringContaining('e2e operator') });
    expect(all[1]!.state).toBe('active');
    // Raised by the fault that began after the healthy hour, not by the one still running.
    expect(all[1]!.since.getTime()).toBeGreaterThanOrEqual(secondStart + newFaultH * HOUR - 60_000);
    expect(all[1]!.since.getTime()).toBeLessThanOrEqual(secondStart + (newFaultH + 0.5) * HOUR);
  });
});
