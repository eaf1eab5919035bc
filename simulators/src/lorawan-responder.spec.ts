import { EventEmitter } from 'node:events';
import { lorawanDownlink, pointOfReading, type LorawanRoute } from '@hv/contracts';
// Read-only use of the uplink path, to prove the acks are what the platform decodes.
import { decodeLorawanAck, Normalizer, Rejection, StaticDeviceDirectory, type Normalized } from '@hv/uplink';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { DeviceSim } from './device-sim';
import type { SimMessage } from './device-sim';
import { devicesOf, mixedFleet } from './fleet';
import { LorawanCommandResponder, lorawanLookup, type DownlinkConnection } from './lorawan-responder';

const NOW = Date.parse('2025-12-21T18:00:00Z');
const APP = '6f1c2a9e-3b4d-4e5f-8a6b-7c8d9e0f1a2b';
const fleet = mixedFleet({
  seed: 'lora-cmd',
  tenants: [{ tenant: '02408' }],
  perTenant: { 'lighting-controller': 2, 'parking-spot': 1 },
  lorawan: ['lighting-controller', 'parking-spot'],
});
const lamp = fleet.devices.find((d) => d.type === 'lighting-controller')!;
const dim = { cmd_id: 'c-7f3a9e', ts: NOW, level_pct: 30, reason: 'override' };

/** Records what the responder publishes; `deliver` plays the broker handing it a message. */
class FakeClient extends EventEmitter implements DownlinkConnection {
  readonly published: Array<{ topic: string; payload: Buffer; qos: 0 | 1 }> = [];
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1 }): void {
    this.published.push({ topic, payload, qos: options.qos });
  }
  deliver(down: { topic: string; payload: Buffer }): void {
    this.emit('message', down.topic, down.payload);
  }
}

// An mqtt.js client is a DownlinkConnection: what scenario runs attach.
const _clientFits = (c: MqttClient): DownlinkConnection => c;

function setup(options: ConstructorParameters<typeof LorawanCommandResponder>[1] = {}) {
  const sims = fleet.devices.map((d) => new DeviceSim(d, { seed: 'lora-cmd' }));
  const responder = new LorawanCommandResponder(lorawanLookup(sims), { speed: 0, clock: () => NOW, ...options });
  const client = new FakeClient();
  responder.attach(client);
  return { responder, client, sim: sims.find((s) => s.device.id === lamp.id)! };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const bodyOf = (b: Buffer) => JSON.parse(b.toString('utf8'));

const chirpstackRoute: LorawanRoute = { format: 'chirpstack', applicationId: APP, devEui: lamp.devEui! };
const ttsRoute: LorawanRoute = { format: 'tts', applicationId: 'hv-02408', tenantId: 'useda', deviceId: lamp.id, devEui: lamp.devEui! };

describe('LorawanCommandResponder', () => {
  it('answers a ChirpStack dim-to-30 % downlink with an fPort-11 uplink on the same application, decoded by ingest', async () => {
    const { responder, client, sim } = setup();
    client.deliver(lorawanDownlink(chirpstackRoute, dim));
    await settle();
    expect(client.published).toHaveLength(1);
    const up = client.published[0]!;
    expect(up.topic).toBe(`application/${APP}/device/${lamp.devEui}/event/up`);
    expect(up.qos).toBe(1);
    const body = bodyOf(up.payload);
    expect(body.fPort).toBe(11);
    expect(body.object).toEqual({ cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30 });
    expect(bodyOf(Buffer.from(body.data, 'base64'))).toEqual(body.object);
    expect(decodeLorawanAck(up.topic, up.payload)).toEqual({
      devEui: lamp.devEui,
      ack: { cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30, ts: NOW, seq: body.fCnt ?? 0 },
      route: chirpstackRoute,
    });
    expect(responder.stats).toEqual({ received: 1, answered: 1, failed: 0, missed: 0, ignored: 0 });
    expect(bodyOf(sim.telemetry(NOW + 60_000).payload).level_pct).toBe(30);
  });

  it('answers a The Things Stack downlink with an f_port-11 uplink on the same application and tenant, QoS 0', async () => {
    const { client } = setup();
    client.deliver(lorawanDownlink(ttsRoute, dim, { confirmed: true }));
    await settle();
    expect(client.published).toHaveLength(1);
    const up = client.published[0]!;
    expect(up.topic).toBe(`v3/hv-02408@useda/devices/${lamp.id}/up`);
    expect(up.qos).toBe(0);
    const message = bodyOf(up.payload).uplink_message;
    expect(message.f_port).toBe(11);
    expect(message.decoded_payload).toEqual({ cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30 });
    expect(decodeLorawanAck(up.topic, up.payload)).toEqual({
      devEui: lamp.devEui,
      ack: { cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30, ts: NOW, seq: message.f_cnt },
      route: ttsRoute,
    });
  });

  it.each([chirpstackRoute, ttsRoute])('publishes an ack ingest stores as the same device_ack point as the native ack ($format)', async (route) => {
    const native: SimMessage[] = [];
    const { client } = setup({ onAck: (ack) => native.push(ack) });
    client.deliver(lorawanDownlink(route, dim));
    await settle();
    const normalizer = new Normalizer(new StaticDeviceDirectory(devicesOf(fleet)), { maxPayloadBytes: 16_384, maxFutureMs: 300_000, maxPastMs: 86_400_000 });
    // As ingest stores it: the reading's point (the static directory answers at once).
    const asPoint = (n: Normalized | Promise<Normalized>) => (n instanceof Rejection ? n : pointOfReading(n as Exclude<Normalized, Rejection>));
    const viaRadio = asPoint(normalizer.normalize(client.published[0]!.topic, client.published[0]!.payload, NOW + 1_000));
    expect(viaRadio).toMatchObject({ measurement: 'device_ack', tags: { device: lamp.id, status: 'ok' }, fields: { level_pct: 30 } });
    expect(viaRadio).toEqual(asPoint(normalizer.normalize(native[0]!.topic, native[0]!.payload, NOW + 1_000)));
  });

  it('ignores and counts downlinks for devices it does not have, and frames it cannot decode', async () => {
    const { responder, client } = setup();
    client.deliver(lorawanDownlink({ ...chirpstackRoute, devEui: '00000000000000aa' }, dim));
    client.deliver(lorawanDownlink({ ...ttsRoute, deviceId: 'lc-02408-999' }, dim));
    const wrongPort = { devEui: lamp.devEui, fPort: 2, data: Buffer.from(JSON.stringify(dim)).toString('base64') };
    client.deliver({ topic: `application/${APP}/device/${lamp.devEui}/command/down`, payload: Buffer.from(JSON.stringify(wrongPort)) });
    client.deliver(lorawanDownlink(chirpstackRoute, { level_pct: 30 })); // no cmd_id: nothing to answer to
    await settle();
    expect(client.published).toEqual([]);
    expect(responder.stats).toEqual({ received: 4, answered: 0, failed: 0, missed: 0, ignored: 4 });
  });

  it('does not count the uplinks it hears back, nor native commands, as downlinks', async () => {
    const { responder, client } = setup();
    client.deliver(lorawanDownlink(chirpstackRoute, dim));
    await settle();
    client.deliver(client.published[0]!); // a client subscribed to '#' hears its own publish
    client.deliver({ topic: `hv/v1/02408/lighting/${lamp.id}/cmd`, payload: Buffer.from(JSON.stringify(dim)) });
    await settle();
    expect(client.published).toHaveLength(1);
    expect(responder.stats.received).toBe(1);
  });

  it('answers a command for another domain rejected, and with failShare 1 answers failed without applying it', async () => {
    const { responder, client } = setup({ failShare: 1 });
    client.deliver(lorawanDownlink(chirpstackRoute, dim));
    await settle();
    expect(bodyOf(client.published[0]!.payload).object).toMatchObject({ cmd_id: 'c-7f3a9e', status: 'failed' });
    expect(responder.stats).toMatchObject({ answered: 1, failed: 1 });
    const spot = fleet.devices.find((d) => d.type === 'parking-spot')!;
    client.deliver(lorawanDownlink({ format: 'chirpstack', applicationId: APP, devEui: spot.devEui! }, dim));
    await settle();
    expect(bodyOf(client.published[1]!.payload).object).toEqual({ cmd_id: 'c-7f3a9e', status: 'rejected' });
  });

  it('drops the answers still pending when stopped, and hears nothing after', async () => {
    const { responder, client } = setup({ speed: 1, ackDelayMs: 20 });
    client.deliver(lorawanDownlink(chirpstackRoute, dim));
    responder.stop();
    client.deliver(lorawanDownlink(chirpstackRoute, dim));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(client.published).toEqual([]);
    expect(responder.stats.received).toBe(1);
  });
});
