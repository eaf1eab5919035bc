/**
 * Telegestion's alarms through the real stack: a simulated fleet played through the
 * embedded broker with faults injected and repaired; telegestion judges the live stream
 * and keeps the alarms in PostgreSQL, with their events in InfluxDB and on MQTT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { DeviceType } from '@hv/contracts';
import { influxQuery } from '@hv/devkit';
import { connectGateway, mixedFleet, parseScenario, runScenario, type FaultType, type ScenarioResult } from '@hv/simulators';
import { Database } from '@hv/state';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform, sunsetDaysAgo } from '../support/platform';
import { waitFor } from '../support/wait';

const SEED = 'e2e-telegestion-alarms';
const HOUR = 3_600_000;
const perTenant = { 'lighting-controller': 8, 'lighting-cabinet': 2, 'boiler-room': 3, 'air-station': 1, 'co2-sensor': 1 } as Record<DeviceType, number>;
const fleet = mixedFleet({ seed: SEED, tenants: [{ tenant: '02408' }], perTenant, lorawan: [] });
const of = (type: DeviceType) => fleet.devices.filter((d) => d.type === type);
const [cabinetA, cabinetB] = of('lighting-cabinet');
const lamps = of('lighting-controller').filter((d) => d.cabinet === cabinetA!.id);
const darkened = of('lighting-controller').filter((d) => d.cabinet === cabinetB!.id);
const [boiler1, boiler2, boiler3] = of('boiler-room');

/** Five hours before sunset, three days ago: the lamp faults (7 h–10 h) fall in the dark in any season. */
const start = sunsetDaysAgo(3) - 5 * HOUR;

interface Case {
  fault: FaultType;
  device: string;
  alarm: string;
  atH: number;
  untilH: number;
  /** Most hours from the fault to its alarm, and from the repair to the clear (as in libs/rules/src/engine/faults.spec.ts). */
  raiseWithinH: number;
  clearWithinH: number;
}

const cases: Case[] = [
  { fault: 'lamp_failure', device: lamps[0]!.id, alarm: 'lamp_failure', atH: 7, untilH: 10, raiseWithinH: 0.5, clearWithinH: 0.5 },
  { fault: 'voltage_out_of_range', device: lamps[1]!.id, alarm: 'voltage_out_of_range', atH: 7, untilH: 9, raiseWithinH: 0.5, clearWithinH: 0.5 },
  { fault: 'over_temperature', device: lamps[2]!.id, alarm: 'over_temperature', atH: 7, untilH: 9, raiseWithinH: 1, clearWithinH: 1 },
  { fault: 'supply_loss', device: cabinetB!.id, alarm: 'supply_loss', atH: 7, untilH: 9, raiseWithinH: 0.5, clearWithinH: 0.5 },
  { fault: 'low_pressure', device: boiler1!.id, alarm: 'low_pressure', atH: 2, untilH: 5, raiseWithinH: 0.75, clearWithinH: 0.5 },
  { fault: 'flame_fault', device: boiler2!.id, alarm: 'flame_fault', atH: 2, untilH: 5, raiseWithinH: 0.2, clearWithinH: 0.2 },
  { fault: 'communication_loss', device: boiler3!.id, alarm: 'communication_loss', atH: 2, untilH: 4, raiseWithinH: 0.5, clearWithinH: 0.2 },
  { fault: 'sensor_stuck', device: of('co2-sensor')[0]!.id, alarm: 'sensor_stuck', atH: 2, untilH: 8, raiseWithinH: 2.5, clearWithinH: 0.5 },
];

interface AlarmRow {
  id: number;
  device_id: string;
  type: string;
  kind: string;
  state: string;
  since: Date;
  cleared_at: Date | null;
  parent_id: number | null;
}

describe('telegestion against the real stack: injected faults → alarms', () => {
  let tp: TestPlatform;
  let gateway: MqttClient;
  let listener: MqttClient;
  const published: Array<Record<string, unknown>> = [];
  let result: ScenarioResult;
  let alarms: AlarmRow[];

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_alarms', fleet.devices, SEED, { HV_TELEGESTION_CLOCK: 'stream', HV_TELEGESTION_TICK_MS: '200' });
    const { brokerUrl } = await tp.start();
    listener = await connect(brokerUrl, { ...SERVICE_ACCOUNT, clientId: 'tg-alarms-listener' });
    listener.on('message', (_t, p) => published.push(JSON.parse(p.toString('utf8')) as Record<string, unknown>));
    await listener.subscribeAsync('hv/events/v1/+/alarm', { qos: 1 });
    const gw = tp.gateways[0]!;
    gateway = await connectGateway(brokerUrl, gw.username, gw.password);
    await gateway.subscribeAsync('hv/v1/02408/+/+/cmd', { qos: 1 });
    const scenario = parseScenario({
      name: 'faults through telegestion',
      fleet: { kind: 'demo' },
      start: new Date(start).toISOString(),
      duration_s: 14 * 3600,
      speed: 3600,
      step_ms: 15_000,
      seed: SEED,
      channels: ['telemetry', 'event'],
      event_share: 0, // only the injected faults' own events
      faults: cases.map((c) => ({ type: c.fault, at_s: c.atH * 3600, until_s: c.untilH * 3600, devices: [c.device] })),
    });
    result = await runScenario(scenario, { transport: { kind: 'gateway', client: gateway }, fleet });
    // Everything judged: the stream's last readings are in, and the repaired faults cleared.
    const db = new Database(tp.pgUrl);
    try {
      alarms = await waitFor(
        async () => (await db.query<AlarmRow>('SELECT id::int, device_id, type, kind, state, since, cleared_at, parent_id::int FROM alarms ORDER BY id')).rows,
        (rows) => cases.every((c) => rows.some((r) => r.device_id === c.device && r.type === c.alarm && r.state === 'cleared')),
        30_000,
      );
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await listener?.endAsync();
    await tp?.stop();
  });

  it('played the whole stream', () => {
    expect(result.interrupted).toBe(false);
    expect(result.acked).toBeGreaterThan(3_000);
  });

  it.each(cases.map((c) => [`${c.fault} → one ${c.alarm} alarm, raised in its window and cleared after the repair`, c] as const))('%s', (_name, c) => {
    const mine = alarms.filter((a) => a.device_id === c.device && a.type === c.alarm);
    expect(mine).toHaveLength(1);
    const [a] = mine;
    const at = start + c.atH * HOUR;
    const until = start + c.untilH * HOUR;
    expect(a!.parent_id).toBeNull();
    expect(a!.since.getTime()).toBeGreaterThanOrEqual(at - 60_000);
    expect(a!.since.getTime() - at).toBeLessThanOrEqual(c.raiseWithinH * HOUR);
    expect(a!.state).toBe('cleared');
    expect(a!.cleared_at!.getTime()).toBeGreaterThanOrEqual(until);
    expect(a!.cleared_at!.getTime() - until).toBeLessThanOrEqual(c.clearWithinH * HOUR);
  });

  it('a cabinet supply loss is one visible alarm: the lamp failures behind it are suppressed and linked to it', () => {
    const parent = alarms.find((a) => a.type === 'supply_loss')!;
    const children = alarms.filter((a) => a.parent_id !== null);
    expect(children.length).toBeGreaterThan(0);
    expect(new Set(children.map((a) => a.parent_id))).toEqual(new Set([parent.id]));
    expect(new Set(children.map((a) => a.device_id))).toEqual(new Set(darkened.map((d) => d.id)));
    // What an operator sees: no lamp failure of those luminaires on its own.
    expect(alarms.filter((a) => a.parent_id === null && darkened.some((d) => d.id === a.device_id))).toEqual([]);
  });

  it('raises nothing else', () => {
    const expected = new Set(cases.map((c) => `${c.device}/${c.alarm}`));
    const others = alarms.filter((a) => a.kind !== 'usage' && a.parent_id === null && !expected.has(`${a.device_id}/${a.type}`));
    expect(others.map((a) => `${a.type} ${a.device_id} ${a.since.toISOString()}`)).toEqual([]);
  });

  it('publishes each raise and clear on MQTT and writes them to InfluxDB', async () => {
    const events = await waitFor(() => published, (p) => p.filter((e) => e.event === 'cleared').length >= cases.length, 10_000);
    for (const c of cases) {
      const mine = events.filter((e) => (e.alarm as { device: string; type: string }).device === c.device && (e.alarm as { type: string }).type === c.alarm);
      expect(mine.map((e) => e.event).filter((e) => e !== 'escalated')).toEqual(['raised', 'cleared']);
    }
    const rows = await waitFor(
      async () => (await influxQuery(tp.influx.url, `SELECT count("alarm_id") FROM "alarm_event" WHERE "event" = 'raised' OR "event" = 'cleared'`, tp.influx.db)).results?.[0]?.series?.[0]?.values?.[0]?.[1] as number | undefined,
      (n) => (n ?? 0) >= 2 * cases.length,
      10_000,
    );
    expect(rows).toBeGreaterThanOrEqual(2 * cases.length);
  });
});
