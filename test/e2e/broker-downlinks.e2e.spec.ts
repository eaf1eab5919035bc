/**
 * LoRaWAN downlinks reach only the bridges of the device's tenant. A ChirpStack bridge must
 * subscribe to `application/+/device/+/command/down` and a The Things Stack application id
 * is no secret, so every bridge may hold a filter that matches another commune's
 * downlinks: the embedded broker withholds those per message (downlink-owners.ts), counted
 * as hv_broker_refused_total{kind="forward"}. Real clients against the all-in-one
 * platform; the service account publishes the downlinks as telegestion does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { lorawanDownlink } from '@hv/contracts';
import { connect, preparePlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';
import * as m from './broker-matrix.fixtures';

const SEED = 'e2e-broker-downlinks';

describe('LoRaWAN downlinks and the bridges of other tenants', () => {
  let tp: TestPlatform;
  let url: string;
  let communes: m.Commune[];
  let service: MqttClient;
  const clients: MqttClient[] = [];
  /** Topic → the tenants whose bridge received a message on it. */
  const received = new Map<string, string[]>();

  const bridge = async (commune: m.Commune, kind: 'ChirpStack bridge' | 'TTS bridge', filter: string): Promise<MqttClient> => {
    const client = await connect(url, m.loginOptions(commune.logins[kind]));
    clients.push(client);
    client.on('message', (topic) => received.set(topic, [...(received.get(topic) ?? []), commune.tenant]));
    expect(await m.grantedQos(client, filter)).toBe(1);
    return client;
  };
  const deliveredTo = async (topic: string, expected: number) => {
    await waitFor(async () => received.get(topic)?.length ?? 0, (n) => n >= expected, 5_000, 50).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a late extra delivery would show here
    return [...(received.get(topic) ?? [])].sort();
  };

  beforeAll(async () => {
    const devices = [...m.lampsOf(SEED, m.LAON), ...m.lampsOf(SEED, m.SOISSONS)];
    tp = await preparePlatform('e2e_broker_downlinks', devices, SEED);
    communes = [await m.provisionCommune(tp, SEED, m.LAON, 0), await m.provisionCommune(tp, SEED, m.SOISSONS, 1)];
    url = (await tp.start()).brokerUrl;
    service = await connect(url, m.loginOptions(m.serviceLogin));
    clients.push(service);
  });
  afterAll(async () => {
    for (const client of clients) await client.endAsync(true).catch(() => undefined);
    await tp?.stop();
  });

  it('ChirpStack: each downlink reaches the bridge of its devEui\'s tenant only, every other refusal counted', async () => {
    for (const commune of communes) await bridge(commune, 'ChirpStack bridge', 'application/+/device/+/command/down');
    const before = await m.refusedCount(tp, 'forward');
    const sent = communes.flatMap((c) => c.spots.map((s) => ({ tenant: c.tenant, ...lorawanDownlink({ format: 'chirpstack', applicationId: '7', devEui: s.devEui }, { cmd: 'reboot' }) })));
    // A devEui nobody registered: no bridge gets it.
    const unknown = lorawanDownlink({ format: 'chirpstack', applicationId: '7', devEui: 'ffffffffffff0001' }, { cmd: 'reboot' });
    for (const d of [...sent, unknown]) await service.publishAsync(d.topic, d.payload, { qos: 1 });
    for (const d of sent) expect(await deliveredTo(d.topic, 1), d.topic).toEqual([d.tenant]);
    expect(await deliveredTo(unknown.topic, 0)).toEqual([]);
    // Each downlink withheld from the other commune's bridge; the unknown one from both.
    expect(await m.refusedCount(tp, 'forward')).toBe(before + sent.length + 2);
  });

  it('The Things Stack: a downlink reaches the bridge whose uplink showed that device, not the other one on the same application', async () => {
    const filter = 'v3/parking@useda/devices/+/down/push';
    const bridges = [await bridge(communes[0]!, 'TTS bridge', filter), await bridge(communes[1]!, 'TTS bridge', filter)];
    // Each commune's bridge carries an uplink of its own spot (the ACL checks the devEui).
    for (const [i, commune] of communes.entries()) {
      const spot = commune.spots[0]!;
      expect(await m.acknowledged(bridges[i]!, m.ttsTopic(spot.id), m.ttsBody(spot.devEui))).toBe(true);
    }
    const before = await m.refusedCount(tp, 'forward');
    const down = (device: string) => lorawanDownlink({ format: 'tts', applicationId: 'parking', tenantId: 'useda', deviceId: device }, { cmd: 'reboot' });
    for (const commune of communes) await service.publishAsync(down(commune.spots[0]!.id).topic, down(commune.spots[0]!.id).payload, { qos: 1 });
    // A device no uplink showed (Laon's second spot): withheld from both.
    const unseen = down(communes[0]!.spots[1]!.id);
    await service.publishAsync(unseen.topic, unseen.payload, { qos: 1 });
    for (const commune of communes) expect(await deliveredTo(down(commune.spots[0]!.id).topic, 1)).toEqual([commune.tenant]);
    expect(await deliveredTo(unseen.topic, 0)).toEqual([]);
    expect(await m.refusedCount(tp, 'forward')).toBe(before + communes.length + 2);
  });
});
