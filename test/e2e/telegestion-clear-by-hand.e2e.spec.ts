/**
 * An operator clears an alarm through the HTTP API while its fault is still there: the
 * clear goes through telegestion (its `cleared` event on MQTT and in InfluxDB), the ongoing
 * fault does not raise the alarm again, its end closes nothing more, and a new fault (the
 * supply healthy, then out of range again) raises a new alarm. A clear by hand made while
 * telegestion is down is taken when it starts again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { DeviceType } from '@hv/contracts';
import { influxQuery } from '@hv/devkit';
import { connectGateway, mixedFleet, parseScenario, runScenario, type ScenarioResult } from '@hv/simulators';
import { ApiKeyRepository, Database } from '@hv/state';
import { AlarmRepository } from '@hv/telegestion';
import { connect, preparePlatform, SERVICE_ACCOUNT, sunsetDaysAgo, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

const SEED = 'e2e-telegestion-clear-by-hand';
const HOUR = 3_600_000;
const TENANT = '02408';
const fleet = mixedFleet({ seed: SEED, tenants: [{ tenant: TENANT }], perTenant: { 'lighting-controller': 3, 'lighting-cabinet': 1 } as Record<DeviceType, number>, lorawan: [] });
const lamp = fleet.devices.find((d) => d.type === 'lighting-controller')!;
const TYPE = 'voltage_out_of_range';
/** Five hours before sunset, three days ago (as the other telegestion suites). */
const start = sunsetDaysAgo(3) - 5 * HOUR;
/** The first run: the fault begins at 1 h and is still there at its end (6 h). */
const firstH = 6;
/** The second run follows: the same fault until 2 h, healthy until 3 h, a new fault from 3 h. */
const secondStart = start + firstH * HOUR;
const newFaultH = 3;

interface AlarmRow {
  id: number;
  state: string;
  since: Date;
  cleared_by: string | null;
}

describe('an alarm cleared by hand through the API ends the rule condition it came from', () => {
  let tp: TestPlatform;
  let db: Database;
  let gateway: MqttClient;
  let listener: MqttClient;
  const published: Array<{ event: string; alarm: { id: number; device: string; type: string } }> = [];
  const runs: ScenarioResult[] = [];
  let clearedId: number;
  let clearResponse: { status: number; body: Record<string, unknown> };
  let rows: AlarmRow[];

  const alarmsOfLamp = () =>
    db.query<AlarmRow>(`SELECT id::int, state, since, cleared_by FROM alarms WHERE device_id = $1 AND type = $2 ORDER BY id`, [lamp.id, TYPE]).then((r) => r.rows);
  const play = async (name: string, from: number, durationH: number, faults: Array<{ at_s: number; until_s: number }>) => {
    const scenario = parseScenario({
      name,
      fleet: { kind: 'demo' },
      start: new Date(from).toISOString(),
      duration_s: durationH * 3600,
      speed: 3600,
      step_ms: 15_000,
      seed: SEED,
      channels: ['telemetry', 'event'],
      event_share: 0,
      faults: faults.map((f) => ({ type: TYPE, ...f, devices: [lamp.id] })),
    });
    runs.push(await runScenario(scenario, { transport: { kind: 'gateway', client: gateway }, fleet }));
  };

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_clear_by_hand', fleet.devices, SEED, { HV_TELEGESTION_CLOCK: 'stream', HV_TELEGESTION_TICK_MS: '200' });
    const { brokerUrl, httpUrl } = await tp.start();
    db = new Database(tp.pgUrl, { max: 2 });
    const key = (await new ApiKeyRepository(db).create({ name: 'e2e operator', role: 'operator', tenant: null, createdBy: 'e2e' })).key;
    listener = await connect(brokerUrl, { ...SERVICE_ACCOUNT, clientId: 'tg-clear-by-hand-listener' });
    listener.on('message', (_t, p) => published.push(JSON.parse(p.toString('utf8')) as (typeof published)[number]));
    await listener.subscribeAsync(`hv/events/v1/${TENANT}/alarm`, { qos: 1 });
    const gw = tp.gateways[0]!;
    gateway = await connectGateway(brokerUrl, gw.username, gw.password);

    // The fault begins and is never repaired in this run: one open alarm.
    await play('fault ongoing', start, firstH, [{ at_s: 3600, until_s: 99 * 3600 }]);
    const open = await waitFor(alarmsOfLamp, (r) => r.length === 1 && r[0]!.state === 'active', 30_000);
    clearedId = open[0]!.id;

    // The operator says the repair is done, while the lamp still reports the bad voltage.
    const res = await fetch(`${httpUrl}/api/v1/alarms/${clearedId}/clear`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    clearResponse = { status: res.status, body: (await res.json()) as Record<string, unknown> };
    await waitFor(() => published, (p) => p.some((e) => e.event === 'cleared' && e.alarm.id === clearedId), 10_000);

    // The same fault goes on for 2 h, the supply is healthy for 1 h, then out of range again.
    await play('fault goes on, ends, comes back', secondStart, 6, [
      { at_s: 0, until_s: 2 * 3600 },
      { at_s: newFaultH * 3600, until_s: 99 * 3600 },
    ]);
    rows = await waitFor(alarmsOfLamp, (r) => r.length >= 2, 30_000);
    // Whatever else could come is in by now: the stream's last readings were judged with the new raise.
    await waitFor(() => published, (p) => p.some((e) => e.event === 'raised' && e.alarm.id === rows[1]!.id), 10_000);
  }, 180_000);

  afterAll(async () => {
    await gateway?.endAsync();
    await listener?.endAsync();
    await db?.close();
    await tp?.stop();
  });

  it('played both runs whole', () => {
    expect(runs.map((r) => r.interrupted)).toEqual([false, false]);
  });

  it('the API closes the alarm in the name of the key that asked', () => {
    expect(clearResponse.status).toBe(200);
    expect(clearResponse.body).toMatchObject({ id: clearedId, state: 'cleared', clearedBy: expect.stringContaining('e2e operator') });
  });

  it('the old fault does not raise it again; the new fault raises a new alarm', async () => {
    const all = await alarmsOfLamp();
    expect(all).toHaveLength(2);
    const [first, second] = all;
    expect(first).toMatchObject({ id: clearedId, state: 'cleared', cleared_by: expect.stringContaining('e2e operator') });
    expect(second!.state).toBe('active');
    // Raised by the fault that began after the healthy hour, not by the one still running.
    expect(second!.since.getTime()).toBeGreaterThanOrEqual(secondStart + newFaultH * HOUR - 60_000);
    expect(second!.since.getTime()).toBeLessThanOrEqual(secondStart + (newFaultH + 0.5) * HOUR);
  });

  it('publishes the clear by hand as any clear, and no second clear when the old fault ends', async () => {
    const mine = published.filter((e) => e.alarm.device === lamp.id && e.alarm.type === TYPE && e.event !== 'escalated');
    expect(mine.map((e) => [e.event, e.alarm.id])).toEqual([
      ['raised', clearedId],
      ['cleared', clearedId],
      ['raised', rows[1]!.id],
    ]);
    const points = await waitFor(
      async () => (await influxQuery(tp.influx.url, `SELECT "alarm_id" FROM "alarm_event" WHERE "device" = '${lamp.id}' AND "event" = 'cleared'`, tp.influx.db)).results?.[0]?.series?.[0]?.values ?? [],
      (v) => v.length >= 1,
      10_000,
    );
    expect(points.map((v) => v[1])).toEqual([clearedId]);
  });

  it('takes at start-up a clear by hand made while telegestion was down: its cleared event once, and the end of the fault stays quiet', async () => {
    const second = rows[1]!;
    await gateway.endAsync(true);
    await listener.endAsync(true);
    await tp.platform!.close();
    expect(await new AlarmRepository(db).clearByHand(second.id, 'e2e while down')).toMatchObject({ id: second.id, state: 'cleared' });
    const { brokerUrl } = await tp.start();
    const gw = tp.gateways[0]!;
    gateway = await connectGateway(brokerUrl, gw.username, gw.password);
    const cleared = async () =>
      ((await influxQuery(tp.influx.url, `SELECT "alarm_id" FROM "alarm_event" WHERE "device" = '${lamp.id}' AND "event" = 'cleared'`, tp.influx.db)).results?.[0]?.series?.[0]?.values ?? []).map((v) => v[1]);
    expect(await waitFor(cleared, (ids) => ids.includes(second.id), 15_000)).toEqual([clearedId, second.id]);
    // The fault ends: its alarm is closed already, nothing more is stored or published.
    await play('fault repaired', secondStart + 6 * HOUR, 2, []);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(runs.at(-1)!.interrupted).toBe(false);
    expect(await cleared()).toEqual([clearedId, second.id]);
    expect((await alarmsOfLamp()).map((a) => [a.id, a.state, a.cleared_by])).toEqual([
      [clearedId, 'cleared', expect.stringContaining('e2e operator')],
      [second.id, 'cleared', 'e2e while down'],
    ]);
  });
});
