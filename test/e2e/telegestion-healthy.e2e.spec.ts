/**
 * A healthy simulated fleet of every device type, a week long, through the real stack:
 * telegestion judges every reading and raises no fault, no finding and no threshold alarm.
 * The air is clean (no seasonal pollution episode): the week follows the day the suite runs,
 * and a winter particle episode in it would rightly raise a PM10 threshold alarm.
 * Parking usage (overstays, a saturated car park) is what healthy equipment reports every
 * day, and is counted apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { DEVICE_TYPE_NAMES, type DeviceType } from '@hv/contracts';
import { connectGateway, mixedFleet, parseScenario, runScenario, type ScenarioResult, ventilatedAsRequired } from '@hv/simulators';
import { Database } from '@hv/state';
import { preparePlatform, type TestPlatform, midnightDaysAgo } from '../support/platform';
import { metricSum, waitFor } from '../support/wait';

const SEED = 'e2e-telegestion-healthy';
const perTenant = { 'lighting-controller': 10, 'lighting-cabinet': 1, 'boiler-room': 2, 'air-station': 1, 'co2-sensor': 2, 'parking-spot': 6, 'car-park': 1 } as Record<DeviceType, number>;

const fleet = ventilatedAsRequired(mixedFleet({ seed: SEED, tenants: [{ tenant: '02408' }], perTenant, lorawan: [] }));

/** Midnight eight days ago: the week ends a day before now (ingest's 31-day window). */
const start = midnightDaysAgo(8);

describe('a healthy fleet over a simulated week, through the real stack', () => {
  let tp: TestPlatform;
  let gateway: MqttClient;
  let result: ScenarioResult;
  let alarms: Array<{ type: string; kind: string; device_id: string; since: Date }>;

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_healthy', fleet.devices, SEED, { HV_TELEGESTION_CLOCK: 'stream', HV_TELEGESTION_TICK_MS: '200' });
    const { brokerUrl, httpUrl } = await tp.start();
    const gw = tp.gateways[0]!;
    gateway = await connectGateway(brokerUrl, gw.username, gw.password);
    const scenario = parseScenario({ name: 'healthy week', fleet: { kind: 'demo' }, start: new Date(start).toISOString(), duration_s: 7 * 86_400, speed: 0, step_ms: 10_000, seed: SEED, channels: ['telemetry'], seasonal_episodes: false });
    result = await runScenario(scenario, { transport: { kind: 'gateway', client: gateway }, fleet, window: 500 });
    // Every reading judged before looking.
    await waitFor(async () => metricSum(await (await fetch(`${httpUrl}/metrics`)).text(), 'hv_telegestion_received_total'), (n) => n >= result.acked, 60_000, 250);
    const db = new Database(tp.pgUrl);
    try {
      alarms = (await db.query<{ type: string; kind: string; device_id: string; since: Date }>('SELECT type, kind, device_id, since FROM alarms ORDER BY id')).rows;
    } finally {
      await db.close();
    }
  }, 240_000);
  afterAll(async () => {
    await gateway?.endAsync();
    await tp?.stop();
  });

  it('played a week of every device type', () => {
    expect(new Set(fleet.devices.map((d) => d.type)).size).toBe(DEVICE_TYPE_NAMES.length);
    expect(result.interrupted).toBe(false);
    expect(result.simulatedTo - result.simulatedFrom).toBeGreaterThan(6.9 * 86_400_000);
    expect(result.acked).toBeGreaterThan(50_000);
  });

  it('raises no fault, no finding and no threshold alarm', () => {
    expect(alarms.filter((a) => a.kind !== 'usage').map((a) => `${a.type} ${a.device_id} ${a.since.toISOString()}`)).toEqual([]);
  });

  it('judged the stream: parking usage was seen', () => {
    expect(alarms.filter((a) => a.kind === 'usage').length).toBeGreaterThan(0);
  });
});
