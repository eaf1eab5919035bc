import { afterEach, describe, expect, it } from 'vitest';
import { connectDevice } from './connect';
import { DeviceSim } from './device-sim';
import { demoFleet } from './fleet';
import { LiveDevice } from './live-device';
import { startTestBroker } from './testing/test-broker';

describe('LiveDevice.stop', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c().catch(() => undefined);
  });

  it('returns at once when the connection was lost with a reading awaiting its PUBACK (it waited forever)', async () => {
    const broker = await startTestBroker();
    cleanups.push(broker.close);
    const device = demoFleet({ controllers: 1, cabinets: 1 }).devices.find((d) => d.type === 'lighting-controller')!;
    const client = await connectDevice(broker.url, device, 'any secret: the test broker checks none');
    const live = new LiveDevice(client, new DeviceSim(device, { seed: 'live-stop' }));
    await live.start();
    const lost = new Promise<void>((resolve) => client.once('close', () => resolve()));
    for (const c of Object.values((broker.broker as unknown as { clients: Record<string, { close(): void }> }).clients)) c.close();
    await lost;
    void live.publishTelemetry().catch(() => undefined);

    const t0 = Date.now();
    const stopped = await Promise.race([live.stop().then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000))]);
    expect(stopped).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
