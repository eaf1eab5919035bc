/**
 * The embedded broker keeps a resumed persistent session in order: a consumer that comes
 * back while a publisher goes on publishing gets everything queued while it was away
 * before anything published since (MQTT 3.1.1 §4.6), each message at least once.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker, type BrokerAuthority } from '@hv/broker';

const AWAY = 3_000;
const SERVICE = { username: 'order-test', password: 'order-test-password' };
/** The registry's answer for one service account (the broker is real; only who may connect is fixed here). */
const authority: BrokerAuthority = {
  authenticate: async (u, p) => (u === SERVICE.username && p === SERVICE.password ? { kind: 'service', id: u } : null),
  deviceHome: async () => undefined,
  devEuiTenant: async () => undefined,
};

describe('embedded broker, resumed persistent session', () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, maxPayloadBytes: 65_536 }, authority);
    await broker.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.stop();
  });

  const connect = async (clientId: string, clean: boolean) => {
    const c = await mqtt.connectAsync(broker.url, { clientId, clean, ...SERVICE, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  it('delivers the queue before what is published after the consumer is back', async () => {
    const consumerOptions = { clientId: 'hv:order-consumer', clean: false } as const;
    const first = await connect(consumerOptions.clientId, consumerOptions.clean);
    await first.subscribeAsync('order/#', { qos: 1 });
    await first.endAsync();

    const publisher = await connect('hv:order-publisher', true);
    let n = 0;
    for (; n < AWAY; n++) await publisher.publishAsync('order/a', String(n), { qos: 1 });

    // Back, while the publisher goes on: it must not see a new message before the old ones.
    const received: number[] = [];
    const back = mqtt.connect(broker.url, { ...consumerOptions, ...SERVICE, reconnectPeriod: 0 });
    clients.push(back);
    back.on('message', (_topic, payload) => received.push(Number(payload.toString())));
    const connected = new Promise<void>((resolve) => back.once('connect', () => resolve()));
    let stop = false;
    const publishing = (async () => {
      while (!stop) await publisher.publishAsync('order/a', String(n++), { qos: 1 });
    })();
    await connected;
    const deadline = Date.now() + 30_000;
    while (!received.includes(AWAY + 500) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await publishing;
    const last = n - 1;
    while (new Set(received).size < last + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    // Every message at least once (QoS 1 allows a duplicate), and each new one after every older one.
    expect(new Set(received).size).toBe(last + 1);
    const firsts: number[] = [];
    const seen = new Set<number>();
    for (const x of received) if (!seen.has(x)) (seen.add(x), firsts.push(x));
    const overtaken = firsts.filter((x, i) => i > 0 && x < firsts[i - 1]!);
    expect(overtaken).toEqual([]);
  });
});
