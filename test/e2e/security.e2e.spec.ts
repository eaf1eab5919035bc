/**
 * The embedded broker's authentication and ACLs against the registry: a device logs in
 * with its own secret, publishes only under its own topic, reads only its own commands;
 * a gateway publishes only for its tenant's devices; oversized payloads are refused.
 * Each refusal is checked by its effect (nothing stored, client refused or disconnected)
 * and by the broker's counters, next to a positive control that shows the path works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@hv/contracts';
import { influxCount } from '@hv/devkit';
import { connectDevice, deviceSecret, lightingFleet } from '@hv/simulators';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { metricSum, scrape, waitFor } from '../support/wait';

const SEED = 'e2e-security';
const laon = lightingFleet({ seed: SEED, tenant: '02408', controllers: 3 });
const soissons = lightingFleet({ seed: `${SEED}-b`, tenant: '02722', controllers: 2 });
const [a, b] = laon.devices.filter((d) => d.type === 'lighting-controller');
const [other] = soissons.devices.filter((d) => d.type === 'lighting-controller');

const reading = (seq: number) => JSON.stringify({ ts: Date.now() - 1_000 + seq, seq, on: true, level_pct: 80, power_w: 40.5, energy_wh: 1000 + seq });

/** Resolves once the broker closed the connection (MQTT 3.1.1 has no negative PUBACK). */
const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

/** The QoS the broker granted one filter (mqtt.js reports a 0x80 SUBACK as an error). */
function grantedQos(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve) => {
    // The callback's second argument echoes the request; the SUBACK itself is the third.
    client.subscribe(filter, { qos: 1 }, (_error, _requested, suback) => {
      const code = (suback as { granted?: Array<number | { qos: number }> } | undefined)?.granted?.[0];
      resolve(typeof code === 'number' ? code : (code?.qos ?? -1));
    });
  });
}

describe('broker security', () => {
  let tp: TestPlatform;
  let url: string;
  const stored = (device: string) => influxCount(tp.influx.url, tp.influx.db, 'lighting_controller', `"device" = '${device}'`);
  const refused = async (kind: string) => metricSum(await scrape(tp.platform!.httpUrl), 'hv_broker_refused_total', { kind });
  const asDevice = (id: string, secret = deviceSecret(SEED, id)) => connect(url, { username: id, password: secret });

  beforeAll(async () => {
    tp = await preparePlatform('e2e_security', [...laon.devices, ...soissons.devices], SEED, { HV_MAX_PAYLOAD_BYTES: '2048' });
    url = (await tp.start()).brokerUrl;
  });
  afterAll(async () => {
    await tp?.stop();
  });

  it('refuses a wrong password and an unknown device, and accepts the right secret', async () => {
    await expect(asDevice(a!.id, 'not-the-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(asDevice('lc-99999-1', 'whatever-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(url, { clientId: 'sec-anonymous' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    expect(await refused('auth')).toBeGreaterThanOrEqual(2);
    const ok = await asDevice(a!.id);
    await ok.publishAsync(deviceTopic('02408', 'lighting', a!.id, 'telemetry'), reading(1), { qos: 1 });
    await ok.endAsync();
    expect(await waitFor(() => stored(a!.id), (n) => n === 1, 15_000)).toBe(1);
  });

  it('does not let device A publish as device B, nor into another tenant', async () => {
    const before = await refused('publish');
    for (const topic of [
      deviceTopic('02408', 'lighting', b!.id, 'telemetry'),
      deviceTopic('02722', 'lighting', a!.id, 'telemetry'),
      deviceTopic('02722', 'lighting', other!.id, 'telemetry'),
      deviceTopic('02408', 'lighting', a!.id, 'cmd'),
    ]) {
      const client = await asDevice(a!.id);
      const gone = closed(client);
      client.publish(topic, reading(2), { qos: 1 });
      await gone;
      client.end(true);
    }
    expect(await refused('publish')).toBe(before + 4);
    // A gateway of Laon cannot publish for a device of Soissons either.
    const gw = tp.gateways.find((g) => g.tenant === '02408')!;
    const gateway = await connect(url, { username: gw.username, password: gw.password, clientId: 'sec-gw' });
    const gone = closed(gateway);
    gateway.publish(deviceTopic('02722', 'lighting', other!.id, 'telemetry'), reading(3), { qos: 1 });
    await gone;
    gateway.end(true);
    expect(await refused('publish')).toBe(before + 5);
    await new Promise((r) => setTimeout(r, 500));
    expect(await stored(b!.id)).toBe(0);
    expect(await stored(other!.id)).toBe(0);
  });

  it("does not let a device subscribe to another device's commands", async () => {
    const client = await asDevice(a!.id);
    const own = deviceTopic('02408', 'lighting', a!.id, 'cmd');
    const granted: number[] = [];
    for (const filter of [own, deviceTopic('02408', 'lighting', b!.id, 'cmd'), 'hv/v1/+/+/+/cmd', '#']) granted.push(await grantedQos(client, filter));
    await client.endAsync();
    expect(granted).toEqual([1, 0x80, 0x80, 0x80]); // 0x80: SUBACK failure (MQTT 3.1.1 §3.9.3)
  });

  it('publishes a vanished device\'s last will as its retained offline status, and ingest stores it', async () => {
    const device = await connectDevice(url, b!, deviceSecret(SEED, b!.id));
    (device as unknown as { stream: { destroy(): void } }).stream.destroy(); // the lamp loses power: no DISCONNECT
    const statusTopic = deviceTopic('02408', 'lighting', b!.id, 'status');
    const statusCount = () => influxCount(tp.influx.url, tp.influx.db, 'device_status', `"device" = '${b!.id}' AND "reason" = 'will'`);
    expect(await waitFor(statusCount, (n) => n === 1, 15_000)).toBe(1);
    // A late subscriber still gets it: the broker retained it.
    const operator = await connect(url, { ...SERVICE_ACCOUNT, clientId: 'sec-operator' });
    const retained = new Promise<{ payload: string; retain: boolean }>((resolve) =>
      operator.on('message', (_t, payload, packet) => resolve({ payload: payload.toString(), retain: packet.retain })),
    );
    await operator.subscribeAsync(statusTopic, { qos: 1 });
    const got = await retained;
    await operator.endAsync();
    expect(got.retain).toBe(true);
    expect(JSON.parse(got.payload)).toEqual({ online: false, reason: 'will' });
  });

  it('refuses a topic with an empty level (aedes would ack it and deliver it to no persistent subscriber)', async () => {
    const before = await refused('topic');
    const client = await connect(url, { ...SERVICE_ACCOUNT, clientId: 'sec-empty-level' });
    const gone = closed(client);
    client.publish('hv/v1/02408//lc-02408-1/telemetry', reading(4), { qos: 1 });
    await gone;
    client.end(true);
    expect(await refused('topic')).toBe(before + 1);
  });

  it('refuses an oversized payload and keeps the device away from storage', async () => {
    const before = await refused('oversized');
    const client = await asDevice(a!.id);
    const gone = closed(client);
    const big = JSON.stringify({ ts: Date.now(), seq: 99, on: true, level_pct: 10, power_w: 1, energy_wh: 1, pad: 'x'.repeat(4_000) });
    client.publish(deviceTopic('02408', 'lighting', a!.id, 'telemetry'), big, { qos: 1 });
    await gone;
    client.end(true);
    expect(await refused('oversized')).toBe(before + 1);
    expect(await stored(a!.id)).toBe(1); // only the positive control of the first test
  });
});
