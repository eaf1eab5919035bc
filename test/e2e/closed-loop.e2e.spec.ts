/**
 * Closed loop through the real stack: a dim command published on a lamp's cmd topic is
 * answered by the simulated controller with an ack carrying its new state, and its next
 * telemetry shows the power of the new level; ingest stores both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { influxQuery } from '@hv/devkit';
import { connectDevice, DeviceSim, deviceSecret, lightingFleet, LiveDevice, type SimMessage } from '@hv/simulators';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

const SEED = 'e2e-closed-loop';
const fleet = lightingFleet({ seed: SEED, tenant: '02408', controllers: 2 });
const lamp = fleet.devices.find((d) => d.type === 'lighting-controller')!;

describe('closed loop: command → ack → telemetry', () => {
  let tp: TestPlatform;
  let device: LiveDevice;
  let operator: MqttClient;
  beforeAll(async () => {
    tp = await preparePlatform('e2e_closed_loop', fleet.devices, SEED);
    const { brokerUrl } = await tp.start();
    const client = await connectDevice(brokerUrl, lamp, deviceSecret(SEED, lamp.id));
    device = new LiveDevice(client, new DeviceSim(lamp, { seed: SEED }), { ackDelayMs: 200 });
    await device.start();
    operator = await connect(brokerUrl, { ...SERVICE_ACCOUNT, clientId: 'loop-operator' });
  });
  afterAll(async () => {
    await device?.stop();
    await operator?.endAsync();
    await tp?.stop();
  });

  it('dims a lamp to 30 %: the ack reports it and the next telemetry draws 30 % of full power', async () => {
    const ackTopic = device.sim.topic('ack');
    await operator.subscribeAsync(ackTopic, { qos: 1 });
    const acks: Array<Record<string, unknown>> = [];
    operator.on('message', (t, p) => t === ackTopic && acks.push(JSON.parse(p.toString()) as Record<string, unknown>));
    const ackFor = (cmdId: string) => waitFor(() => acks.find((a) => a.cmd_id === cmdId), (a) => a !== undefined, 10_000, 20);

    // Full power first, as the reference.
    await operator.publishAsync(device.sim.commandTopic, JSON.stringify({ cmd_id: 'full-1', ts: Date.now(), level_pct: 100, reason: 'manual' }), { qos: 1 });
    expect(await ackFor('full-1')).toMatchObject({ status: 'ok', level_pct: 100 });
    const full = JSON.parse((await device.publishTelemetry()).payload.toString()) as { power_w: number; level_pct: number };
    expect(full.level_pct).toBe(100);

    const sentAt = Date.now();
    await operator.publishAsync(device.sim.commandTopic, JSON.stringify({ cmd_id: 'dim-30', ts: Date.now(), level_pct: 30, reason: 'override' }), { qos: 1 });
    const dimAck = await ackFor('dim-30');
    expect(dimAck).toMatchObject({ cmd_id: 'dim-30', status: 'ok', on: true, level_pct: 30 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(150); // the controller's realistic delay

    const dimmed: SimMessage = await device.publishTelemetry();
    const reading = JSON.parse(dimmed.payload.toString()) as { power_w: number; level_pct: number };
    expect(reading.level_pct).toBe(30);
    expect(reading.power_w / full.power_w).toBeGreaterThan(0.2);
    expect(reading.power_w / full.power_w).toBeLessThan(0.4);

    // Ingest stored the ack (tagged ok) and the dimmed reading.
    const stored = await waitFor(
      async () => (await influxQuery(tp.influx.url, `SELECT last("level_pct") FROM "lighting_controller" WHERE "device" = '${lamp.id}'`, tp.influx.db)).results?.[0]?.series?.[0]?.values?.[0]?.[1],
      (v) => v === 30,
      15_000,
    );
    expect(stored).toBe(30);
    expect(await ackFromInflux('dim-30')).toMatchObject({ status: 'ok', level_pct: 30 });
  });

  async function ackFromInflux(cmdId: string): Promise<Record<string, unknown> | null> {
    return waitFor(
      async () => {
        const json = await influxQuery(tp.influx.url, `SELECT * FROM "device_ack" WHERE "device" = '${lamp.id}' AND "cmd_id" = '${cmdId}'`, tp.influx.db);
        const series = json.results?.[0]?.series?.[0];
        if (!series?.values?.length) return null;
        return Object.fromEntries(series.columns.map((c, i) => [c, series.values![0]![i]]));
      },
      (v) => v !== null,
      15_000,
    );
  }
});
