/**
 * The durable consumer against a real broker (aedes, in process): a persistent session
 * with a backlog that takes several keepalive periods to read keeps its connection, and
 * every message reaches the handler exactly once.
 */
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableMqttConsumer } from '@hv/uplink';

const BACKLOG = 3_000;

describe('DurableMqttConsumer', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;
  let consumer: DurableMqttConsumer | undefined;

  beforeEach(async () => {
    broker = await Aedes.createBroker();
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await consumer?.close();
    consumer = undefined;
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a backlog slower than its keepalive without dropping the connection or a message', async () => {
    const seen = new Map<string, number>();
    let closes = 0;
    const handler = async (msgs: Array<{ payload: Buffer }>) => {
      for (const m of msgs) seen.set(m.payload.toString(), (seen.get(m.payload.toString()) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 100)); // a slow store: 100 messages per 100 ms at most
    };
    const options = { url, clientId: 'durable-under-test', filters: ['backlog/#'], maxInflight: 100, keepaliveS: 1 };

    // Subscribe once, go away, and let a backlog build in the persistent session.
    consumer = new DurableMqttConsumer(options, handler, 'UnderTest');
    const subscribed = new Promise<void>((resolve) => broker.once('subscribe', () => resolve()));
    consumer.start();
    await subscribed;
    await consumer.close();
    const publisher = await mqtt.connectAsync(url, { clientId: 'backlog-publisher' });
    for (let i = 0; i < BACKLOG; i++) await publisher.publishAsync(`backlog/${i % 10}`, String(i), { qos: 1 });
    await publisher.endAsync();

    // Back: ≥ 3 s of reading (30 batches of 100) against a 1 s keepalive, whose PINGRESP
    // sits behind the backlog in the socket.
    seen.clear();
    consumer = new DurableMqttConsumer(options, handler, 'UnderTest');
    consumer.start();
    const deadline = Date.now() + 30_000;
    while (!consumer.mqttClient) await new Promise((r) => setTimeout(r, 10));
    consumer.mqttClient.on('close', () => closes++);
    while (seen.size < BACKLOG && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // One more keepalive period with nothing to read: pings still answered.
    await new Promise((r) => setTimeout(r, 2_000));

    expect(seen.size).toBe(BACKLOG);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(closes).toBe(0);
    expect(consumer.connected).toBe(true);
  }, 60_000);
});
