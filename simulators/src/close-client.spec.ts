import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClient } from './close-client';
import { connectMqtt } from './connect';
import { startTestBroker } from './testing/test-broker';

const settlesWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('closeClient', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c().catch(() => undefined);
  });

  async function lostConnection(): Promise<MqttClient> {
    const broker = await startTestBroker();
    cleanups.push(broker.close);
    const client = await connectMqtt(broker.url, { clientId: 'lc-02408-1' });
    cleanups.push(() => client.endAsync(true));
    const lost = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // The broker drops the device (a takeover, a retirement, a restart).
    for (const c of Object.values((broker.broker as unknown as { clients: Record<string, { close(): void }> }).clients)) c.close();
    await lost;
    // The demo's fleet keeps publishing into the lost connection: QoS 1, held for a PUBACK.
    client.publish('hv/v1/02408/lighting/lc-02408-1/telemetry', '{}', { qos: 1 });
    return client;
  }

  it('mqtt.js endAsync() never resolves once a connection with a QoS 1 publish in flight is lost (the quirk closeClient works around)', async () => {
    const client = await lostConnection();
    expect(await settlesWithin(client.endAsync(), 1_000)).toBe(false);
  });

  it('closes a client whose connection was lost with a QoS 1 publish in flight, at once', async () => {
    const client = await lostConnection();
    const t0 = Date.now();
    expect(await settlesWithin(closeClient(client, 2_000), 3_000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('closes a live client gracefully: a DISCONNECT, so the broker does not publish its last will', async () => {
    let willPublished = false;
    const broker = await startTestBroker((b) => b.on('publish', (packet) => (willPublished ||= packet.topic === 'will/lc-02408-2')));
    cleanups.push(broker.close);
    const client = await connectMqtt(broker.url, { clientId: 'lc-02408-2', will: { topic: 'will/lc-02408-2', payload: Buffer.from('gone'), qos: 0, retain: false } });
    await client.publishAsync('hv/v1/02408/lighting/lc-02408-2/telemetry', '{}', { qos: 1 });
    await closeClient(client, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.connected).toBe(false);
    expect(willPublished).toBe(false);
  });
});
