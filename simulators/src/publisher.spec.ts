import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from './testing/test-broker';
import { connectDevice, connectGateway } from './connect';
import { demoFleet } from './fleet';
import { FleetPublisher, FleetPublishError, type Publishable } from './publisher';
import { deviceSecret } from './secrets';
import { messages } from './stream';

const fleet = demoFleet({ controllers: 20, cabinets: 1 });
const START = Date.parse('2025-12-21T12:00:00Z');

let testBroker: Awaited<ReturnType<typeof startTestBroker>>;
let url: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  testBroker = await startTestBroker((b) => {
    b.authenticate = (_client, username, _password, done) => done(null, username !== 'intruder');
  });
  url = testBroker.url;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await testBroker.close();
});

async function gateway(name: string): Promise<MqttClient> {
  const c = await connectGateway(url, name, 'secret');
  clients.push(c);
  return c;
}

/** Counts what reaches a subscriber on `filter`. */
async function listener(filter: string): Promise<{ count: () => number; received: Array<{ topic: string; payload: Buffer; retain: boolean }> }> {
  const c = await gateway(`listener-${clients.length}`);
  const received: Array<{ topic: string; payload: Buffer; retain: boolean }> = [];
  c.on('message', (topic, payload, packet) => received.push({ topic, payload, retain: packet.retain }));
  await c.subscribeAsync(filter, { qos: 1 });
  return { count: () => received.length, received };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('FleetPublisher', () => {
  it('delivers every message at QoS 1 with never more than the window in flight', async () => {
    const sub = await listener('hv/v1/02408/lighting/+/telemetry');
    const publisher = new FleetPublisher(await gateway('pub-window'));
    const latencies: number[] = [];
    const result = await publisher.publish(messages(fleet, { seed: 1, count: 3_000, startMs: START }), {
      window: 100,
      onAcked: (_m, ms) => latencies.push(ms),
    });
    expect(result).toMatchObject({ published: 3_000, acked: 3_000, failed: 0 });
    expect(result.maxInFlight).toBeLessThanOrEqual(100);
    expect(result.maxInFlight).toBeGreaterThan(10); // pipelined, not one at a time
    expect(latencies).toHaveLength(3_000);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0);
    await until(() => sub.count() === 3_000);
  });

  it('paces to the requested rate with a token bucket', async () => {
    const publisher = new FleetPublisher(await gateway('pub-rate'));
    const result = await publisher.publish(messages(fleet, { seed: 2, count: 300, startMs: START }), { ratePerS: 1_000 });
    expect(result.acked).toBe(300);
    expect(result.elapsedMs).toBeGreaterThan(250);
    expect(result.elapsedMs).toBeLessThan(1_000);
  });

  it('publishes at QoS 0, and per message QoS when a message asks for it', async () => {
    const sub = await listener('qos/#');
    const publisher = new FleetPublisher(await gateway('pub-qos0'));
    const items: Publishable[] = Array.from({ length: 500 }, (_, i) => ({ topic: `qos/${i % 2}`, payload: String(i), qos: i % 2 === 0 ? 0 : 1 }));
    const result = await publisher.publish(items, { qos: 1 });
    expect(result).toMatchObject({ published: 500, acked: 500 });
    await until(() => sub.count() === 500);
  });

  it('stops feeding on abort and lets what is in flight complete', async () => {
    const publisher = new FleetPublisher(await gateway('pub-abort'));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 150);
    const result = await publisher.publish(messages(fleet, { seed: 3, startMs: START }), { ratePerS: 2_000, signal: abort.signal });
    expect(result.published).toBeGreaterThan(50);
    expect(result.published).toBeLessThan(2_000);
    expect(result.acked).toBe(result.published);
  });

  it('rejects with what it did when the connection is lost mid-run', async () => {
    const client = await gateway('pub-lost');
    const publisher = new FleetPublisher(client);
    function* dying() {
      let i = 0;
      for (const m of messages(fleet, { seed: 4, startMs: START })) {
        if (++i === 200) client.stream.destroy();
        yield m;
      }
    }
    const error = await publisher.publish(dying(), { window: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetPublishError);
    expect((error as FleetPublishError).result.published).toBeGreaterThanOrEqual(199);
  });
});

describe('connectDevice / connectGateway', () => {
  it('leaves a retained offline will on the device status topic, published when the device vanishes', async () => {
    const device = fleet.devices.find((d) => d.type === 'lighting-controller')!;
    const client = await connectDevice(url, device, deviceSecret(fleet.seed, device.id));
    clients.push(client);
    const statusTopic = `hv/v1/02408/lighting/${device.id}/status`;
    client.stream.destroy(); // no DISCONNECT: the broker must publish the will
    await new Promise((r) => setTimeout(r, 200));
    const late = await listener(statusTopic); // subscribes after the fact: gets the retained will
    await until(() => late.count() === 1);
    expect(JSON.parse(late.received[0]!.payload.toString())).toEqual({ online: false, reason: 'will' });
    expect(late.received[0]!.retain).toBe(true);
  });

  it('connects with MQTT 3.1.1 and a clean session, and rejects refused credentials', async () => {
    const c = await gateway('gw-02408');
    expect(c.options.protocolVersion).toBe(4);
    expect(c.options.clean).toBe(true);
    expect(c.options.reconnectPeriod).toBe(0);
    await expect(connectGateway(url, 'intruder', 'x')).rejects.toThrow(/[Nn]ot authorized|refused/);
  });
});
