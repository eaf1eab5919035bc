/**
 * The clear-by-hand suites' world (all-in-one and split apps alike): one commune, a lamp
 * whose supply goes out of range, the scenarios it plays, and what the tests read back.
 */
import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { DeviceType } from '@hv/contracts';
import { influxQuery } from '@hv/devkit';
import { mixedFleet, parseScenario, runScenario, type ScenarioResult } from '@hv/simulators';
import type { Database } from '@hv/state';
import { connect, SERVICE_ACCOUNT, sunsetDaysAgo } from '../support/platform';
import { waitFor } from '../support/wait';

export const SEED = 'e2e-telegestion-clear-by-hand';
export const HOUR = 3_600_000;
export const TENANT = '02408';
export const fleet = mixedFleet({ seed: SEED, tenants: [{ tenant: TENANT }], perTenant: { 'lighting-controller': 3, 'lighting-cabinet': 1 } as Record<DeviceType, number>, lorawan: [] });
export const lamp = fleet.devices.find((d) => d.type === 'lighting-controller')!;
export const TYPE = 'voltage_out_of_range';
/** Five hours before sunset, three days ago (as the other telegestion suites). */
export const start = sunsetDaysAgo(3) - 5 * HOUR;
/** The first run: the fault begins at 1 h and is still there at its end (6 h). */
export const firstH = 6;
/** The second run follows: the same fault until 2 h, healthy until 3 h, a new fault from 3 h. */
export const secondStart = start + firstH * HOUR;
export const newFaultH = 3;

export interface AlarmRow {
  id: number;
  state: string;
  since: Date;
  cleared_by: string | null;
}

export type AlarmEvent = { event: string; alarm: { id: number; device: string; type: string } };

/** The lamp's alarms of TYPE, oldest first. */
export const alarmsOfLamp = (db: Database): Promise<AlarmRow[]> =>
  db.query<AlarmRow>(`SELECT id::int, state, since, cleared_by FROM alarms WHERE device_id = $1 AND type = $2 ORDER BY id`, [lamp.id, TYPE]).then((r) => r.rows);

/** The ids of the lamp's `cleared` points in InfluxDB's alarm_event. */
export const clearedPoints = async (influx: { url: string; db: string }): Promise<unknown[]> =>
  ((await influxQuery(influx.url, `SELECT "alarm_id" FROM "alarm_event" WHERE "device" = '${lamp.id}' AND "event" = 'cleared'`, influx.db)).results?.[0]?.series?.[0]?.values ?? []).map((v) => v[1]);

/** Plays `durationH` hours of the fleet from `from` (one hour a second), the lamp out of range during `faults`. */
export function play(gateway: MqttClient, name: string, from: number, durationH: number, faults: Array<{ at_s: number; until_s: number }>): Promise<ScenarioResult> {
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
  return runScenario(scenario, { transport: { kind: 'gateway', client: gateway }, fleet });
}

/** A service-account client collecting every event published on the tenant's alarm topic. */
export async function listenAlarmEvents(brokerUrl: string, clientId: string): Promise<{ client: MqttClient; published: AlarmEvent[] }> {
  const published: AlarmEvent[] = [];
  const client = await connect(brokerUrl, { ...SERVICE_ACCOUNT, clientId });
  client.on('message', (_t, p) => published.push(JSON.parse(p.toString('utf8')) as AlarmEvent));
  await client.subscribeAsync(`hv/events/v1/${TENANT}/alarm`, { qos: 1 });
  return { client, published };
}

/** The events of the lamp's alarm of TYPE, as [event, alarm id] (escalations left out). */
export const lampEvents = (published: readonly AlarmEvent[]): Array<[string, number]> =>
  published.filter((e) => e.alarm.device === lamp.id && e.alarm.type === TYPE && e.event !== 'escalated').map((e) => [e.event, e.alarm.id]);

/** A clear by hand published as any clear: raised, cleared once, raised again only by the new fault; one cleared point in InfluxDB. */
export async function expectClearedOnce(published: readonly AlarmEvent[], influx: { url: string; db: string }, clearedId: number, newId: number): Promise<void> {
  expect(lampEvents(published)).toEqual([
    ['raised', clearedId],
    ['cleared', clearedId],
    ['raised', newId],
  ]);
  const points = await waitFor(() => clearedPoints(influx), (v) => v.length >= 1, 10_000);
  expect(points).toEqual([clearedId]);
}
