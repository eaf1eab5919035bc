/**
 * An operator clears an alarm through the HTTP API while its fault is still there: the
 * clear goes through telegestion (its `cleared` event on MQTT and in InfluxDB), the ongoing
 * fault does not raise the alarm again, its end closes nothing more, and a new fault (the
 * supply healthy, then out of range again) raises a new alarm. A clear by hand made while
 * telegestion is down is taken when it starts again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { connectGateway, type ScenarioResult } from '@hv/simulators';
import { ApiKeyRepository, Database } from '@hv/state';
import { AlarmRepository } from '@hv/telegestion';
import { preparePlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';
import {
  alarmsOfLamp as alarmsOf, clearedPoints, expectClearedOnce, fleet, firstH, HOUR, lamp, listenAlarmEvents, newFaultH, play as playOn, secondStart, SEED, start,
  type AlarmEvent, type AlarmRow,
} from './telegestion-clear-by-hand.fixtures';

describe('an alarm cleared by hand through the API ends the rule condition it came from', () => {
  let tp: TestPlatform;
  let db: Database;
  let gateway: MqttClient;
  let listener: MqttClient;
  let published: AlarmEvent[];
  const runs: ScenarioResult[] = [];
  let clearedId: number;
  let clearResponse: { status: number; body: Record<string, unknown> };
  let rows: AlarmRow[];

  const alarmsOfLamp = () => alarmsOf(db);
  const play = async (name: string, from: number, durationH: number, faults: Array<{ at_s: number; until_s: number }>) => {
    runs.push(await playOn(gateway, name, from, durationH, faults));
  };

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_clear_by_hand', fleet.devices, SEED, { HV_TELEGESTION_CLOCK: 'stream', HV_TELEGESTION_TICK_MS: '200' });
    const { brokerUrl, httpUrl } = await tp.start();
    db = new Database(tp.pgUrl, { max: 2 });
    const key = (await new ApiKeyRepository(db).create({ name: 'e2e operator', role: 'operator', tenant: null, createdBy: 'e2e' })).key;
    ({ client: listener, published } = await listenAlarmEvents(brokerUrl, 'tg-clear-by-hand-listener'));
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
    await expectClearedOnce(published, tp.influx, clearedId, rows[1]!.id);
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
    const cleared = () => clearedPoints(tp.influx);
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
