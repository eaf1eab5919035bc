/**
 * The durable consumer against a real broker (aedes, in process): a persistent session
 * with a backlog that takes several keepalive periods to read keeps its connection, and
 * every message reaches the handler exactly once; with a read linger, what arrives during
 * the pause is handled as one group.
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

  /** Group sizes the handler sees for 1 message, then 5 more 50 ms apart, 50 ms later. */
  async function groupsWithLinger(readLingerMs: number): Promise<number[]> {
    const groups: number[] = [];
    consumer = new DurableMqttConsumer({ url, clientId: `linger-${readLingerMs}`, filters: ['linger/#'], maxInflight: 100, readLingerMs }, async (msgs) => void groups.push(msgs.length), 'UnderTest');
    const subscribed = new Promise<void>((resolve) => broker.once('subscribe', () => resolve()));
    consumer.start();
    await subscribed;
    const publisher = await mqtt.connectAsync(url, { clientId: `linger-publisher-${readLingerMs}` });
    try {
      await publisher.publishAsync('linger/0', '0', { qos: 1 });
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 1; i <= 5; i++) {
        await publisher.publishAsync(`linger/${i}`, String(i), { qos: 1 });
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await publisher.endAsync();
    }
    const deadline = Date.now() + 5_000;
    while (groups.reduce((a, b) => a + b, 0) < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return groups;
  }

  it('with a read linger, hands what arrived during the pause to the handler in one group', async () => {
    // The pause (2 s) outlasts the publishes (≈ 300 ms). The broker may hold the first
    // message back until the second (Nagle's algorithm on its socket): then it is [2, 4].
    const groups = await groupsWithLinger(2_000);
    expect(groups.reduce((a, b) => a + b, 0)).toBe(6);
    expect(groups).toHaveLength(2);
  });

  it('without a read linger, hands each read to the handler as it comes', async () => {
    const groups = await groupsWithLinger(0);
    expect(groups.reduce((a, b) => a + b, 0)).toBe(6);
    expect(groups.length).toBeGreaterThan(2);
  });

  it('closes at once while lingering', async () => {
    const groups: number[] = [];
    consumer = new DurableMqttConsumer({ url, clientId: 'linger-close', filters: ['linger/#'], maxInflight: 100, readLingerMs: 60_000 }, async (msgs) => void groups.push(msgs.length), 'UnderTest');
    const subscribed = new Promise<void>((resolve) => broker.once('subscribe', () => resolve()));
    consumer.start();
    await subscribed;
    const publisher = await mqtt.connectAsync(url, { clientId: 'linger-close-publisher' });
    await publisher.publishAsync('linger/0', '0', { qos: 1 });
    await publisher.endAsync();
    while (groups.length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await consumer.close();
    consumer = undefined;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
