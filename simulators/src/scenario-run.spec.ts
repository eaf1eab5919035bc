import type { MqttClient } from 'mqtt';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, connectGateway } from './connect';
import { demoFleet, mixedFleet } from './fleet';
import { streamHash } from './recording';
import { parseScenario } from './scenario';
import { runScenario, scenarioStream, type ScenarioProgress } from './scenario-run';
import { deviceSecret } from './secrets';
import { startTestBroker } from './testing/test-broker';

const fleet = demoFleet({ seed: 'scenario-run', controllers: 12, cabinets: 1 });
const LAMP = fleet.devices.find((d) => d.type === 'lighting-controller')!;
const CABINET = fleet.devices.find((d) => d.type === 'lighting-cabinet')!;
/** A winter night in Laon: the lamps are on at full power by program. */
const base = {
  name: 'unit night',
  fleet: { kind: 'demo' as const },
  start: '2026-12-21T20:00:00+01:00',
  duration_s: 1_300,
  step_ms: 10_000,
  speed: 0,
  seed: 'unit',
  channels: ['telemetry'] as const,
};

let testBroker: Awaited<ReturnType<typeof startTestBroker>>;
/** Client ids the broker saw each device topic published from. */
const publishers = new Map<string, Set<string>>();
const clients: MqttClient[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hv-scenario-run-'));
  testBroker = await startTestBroker((broker) => {
    broker.on('publish', (packet, client) => {
      if (!client || !packet.topic.startsWith('hv/v1/') || packet.topic.endsWith('/cmd')) return;
      const device = packet.topic.split('/')[4]!;
      publishers.set(device, (publishers.get(device) ?? new Set()).add(client.id));
    });
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await testBroker.close();
  await rm(dir, { recursive: true, force: true });
});

async function gateway(name: string): Promise<MqttClient> {
  const c = await connectGateway(testBroker.url, name, 'secret');
  clients.push(c);
  return c;
}

/** A listener on `filter` that keeps what arrives, with the wall time it arrived. */
async function listen(filter: string): Promise<Array<{ topic: string; body: Record<string, unknown>; at: number }>> {
  const c = await gateway(`listener-${clients.length}`);
  const got: Array<{ topic: string; body: Record<string, unknown>; at: number }> = [];
  c.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, at: performance.now() }));
  await c.subscribeAsync(filter, { qos: 1 });
  return got;
}

describe('runScenario()', () => {
  it('publishes exactly the scenario stream: the recording hashes as the offline stream, every message arrives', async () => {
    const scenario = parseScenario({ ...base, seed: 'exact', faults: [{ type: 'communication_loss', at_s: 300, until_s: 600, share: 0.25 }] });
    const expected = scenarioStream(scenario, fleet);
    const expectedCount = [...expected.messages()].length;
    const got = await listen('hv/v1/+/+/+/telemetry');
    const record = join(dir, 'exact.jsonl.gz');
    const result = await runScenario(scenario, { fleet, transport: { kind: 'gateway', client: await gateway('gw-exact') }, record });

    expect(result).toMatchObject({ published: expectedCount, acked: expectedCount, failed: 0, interrupted: false, devices: fleet.devices.length });
    expect(result.recording?.messages).toBe(expectedCount);
    expect(result.recording?.sha256).toBe(streamHash(scenarioStream(scenario, fleet).messages()));
    await expect.poll(() => got.length).toBe(expectedCount);
    // The communication loss took its devices' turns: fewer messages than slots.
    expect(expectedCount).toBeLessThan(base.duration_s / (base.step_ms / 1000));
    expect(result.faults).toEqual({ planned: 1, devices: Math.round(0.25 * fleet.devices.length) });
    expect(result.simulatedFrom).toBe(Date.parse(base.start));
    expect(result.simulatedTo).toBeLessThan(Date.parse(base.start) + base.duration_s * 1000);
  });

  it('paces the stream on the simulated clock: nothing goes out before its simulated time', async () => {
    const speed = 100;
    const scenario = parseScenario({ ...base, seed: 'paced', duration_s: 60, step_ms: 1_000, speed });
    const got = await listen('hv/v1/+/+/+/telemetry');
    const progress: ScenarioProgress[] = [];
    const t0 = performance.now();
    const result = await runScenario(scenario, { fleet, transport: { kind: 'gateway', client: await gateway('gw-paced') }, onProgress: (p) => progress.push(p), progressEveryMs: 100 });
    await expect.poll(() => got.length).toBe(60);
    const start = Date.parse(base.start);
    for (const m of got) expect(m.at - t0).toBeGreaterThanOrEqual(((m.body.ts as number) - start) / speed - 5);
    // The last message is stamped 59 simulated seconds in: at ×100 it cannot leave before
    // 590 ms of wall time, less the clock's 1 ms resolution (Date.now). CI once saw 589.75 ms
    // against a bound of 590 that forgot the resolution.
    const lastTs = Math.max(...got.map((m) => m.body.ts as number));
    expect(lastTs - start).toBe(59_000);
    expect(result.elapsedMs).toBeGreaterThanOrEqual((lastTs - start) / speed - 1);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toMatchObject({ acked: 60, devices: fleet.devices.length });
    expect(progress.at(-1)!.done).toBeGreaterThan(0.95);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.simTs).toBeGreaterThanOrEqual(progress[i - 1]!.simTs);
  });

  it('answers a dim command with an ack carrying the new state, and the next telemetry shows the new power', async () => {
    const scenario = parseScenario({ ...base, seed: 'dim', speed: 1_000, commands: { ack_delay_ms: 500, fail_share: 0 } });
    const acks = await listen(`hv/v1/${LAMP.tenant}/lighting/${LAMP.id}/ack`);
    const telemetry = await listen(`hv/v1/${LAMP.tenant}/lighting/${LAMP.id}/telemetry`);
    const operator = await gateway('operator-dim');
    const client = await gateway('gw-dim');
    await client.subscribeAsync(`hv/v1/${LAMP.tenant}/+/+/cmd`, { qos: 1 });
    const run = runScenario(scenario, { fleet, transport: { kind: 'gateway', client } });
    await expect.poll(() => telemetry.length).toBeGreaterThanOrEqual(1);
    const before = telemetry.at(-1)!.body;
    expect(before).toMatchObject({ on: true, level_pct: 100 });
    await operator.publishAsync(`hv/v1/${LAMP.tenant}/lighting/${LAMP.id}/cmd`, JSON.stringify({ cmd_id: 'dim-30', ts: Date.parse(base.start), level_pct: 30, ramp_s: 5, reason: 'override' }), { qos: 1 });
    await expect.poll(() => acks.length).toBe(1);
    const result = await run;

    expect(acks[0]!.body).toMatchObject({ cmd_id: 'dim-30', status: 'ok', on: true, level_pct: 30 });
    const ackTs = acks[0]!.body.ts as number;
    const after = telemetry.filter((t) => (t.body.ts as number) > ackTs);
    expect(after.length).toBeGreaterThan(0);
    for (const t of after) {
      expect(t.body.level_pct).toBe(30);
      expect(t.body.power_w as number).toBeLessThan((before.power_w as number) * 0.45);
    }
    expect(result.commands).toEqual({ received: 1, answered: 1, failed: 0, missed: 0, ignored: 0 });
  });

  it('answers fail_share of the commands `failed`, without applying them, and ignores commands for devices it does not have', async () => {
    const scenario = parseScenario({ ...base, seed: 'fail', speed: 1_000, commands: { ack_delay_ms: 0, fail_share: 1 } });
    const acks = await listen(`hv/v1/${LAMP.tenant}/lighting/+/ack`);
    const operator = await gateway('operator-fail');
    const client = await gateway('gw-fail');
    await client.subscribeAsync(`hv/v1/${LAMP.tenant}/+/+/cmd`, { qos: 1 });
    const run = runScenario(scenario, { fleet, transport: { kind: 'gateway', client } });
    await operator.publishAsync(`hv/v1/${LAMP.tenant}/lighting/${LAMP.id}/cmd`, JSON.stringify({ cmd_id: 'dim-0', ts: Date.parse(base.start), level_pct: 0, reason: 'override' }), { qos: 1 });
    await operator.publishAsync(`hv/v1/${LAMP.tenant}/lighting/lc-${LAMP.tenant}-9999/cmd`, JSON.stringify({ cmd_id: 'nobody', ts: Date.parse(base.start), level_pct: 0 }), { qos: 1 });
    await expect.poll(() => acks.length).toBe(1);
    const result = await run;
    expect(acks[0]!.body).toMatchObject({ cmd_id: 'dim-0', status: 'failed', on: true, level_pct: 100 });
    expect(result.commands).toEqual({ received: 2, answered: 1, failed: 1, missed: 0, ignored: 1 });
  });

  it('with one connection per device, each device publishes on its own connection and answers its own commands', async () => {
    const scenario = parseScenario({ ...base, seed: 'per-device', duration_s: 400, speed: 1_000 });
    const connections = new Map<string, MqttClient>();
    for (const d of fleet.devices) {
      const c = await connectDevice(testBroker.url, d, deviceSecret(fleet.seed, d.id), { reconnectPeriodMs: 1_000 });
      clients.push(c);
      await c.subscribeAsync(`hv/v1/${d.tenant}/${d.domain}/${d.id}/cmd`, { qos: 1 });
      connections.set(d.id, c);
    }
    const acks = await listen(`hv/v1/${CABINET.tenant}/lighting/+/ack`);
    const operator = await gateway('operator-device');
    publishers.clear();
    const run = runScenario(scenario, { fleet, transport: { kind: 'device', clients: connections } });
    await operator.publishAsync(`hv/v1/${CABINET.tenant}/lighting/${CABINET.id}/cmd`, JSON.stringify({ cmd_id: 'cab-sync', ts: Date.parse(base.start), action: 'sync_time' }), { qos: 1 });
    const result = await run;
    await expect.poll(() => acks.length).toBe(1);
    expect(acks[0]!.topic).toBe(`hv/v1/${CABINET.tenant}/lighting/${CABINET.id}/ack`);
    expect(result.acked).toBe(40);
    for (const d of fleet.devices) expect([...(publishers.get(d.id) ?? [])]).toEqual([d.id]);
  });

  it('sends LoRaWAN devices\u2019 telemetry in the network server format in gateway mode', async () => {
    const lora = mixedFleet({ seed: 'scenario-lora', tenants: [{ tenant: '02408' }], perTenant: { 'parking-spot': 4, 'co2-sensor': 2 } });
    const scenario = parseScenario({ ...base, seed: 'lora', duration_s: 70 });
    const got: string[] = [];
    const listener = await gateway('listener-lora');
    listener.on('message', (topic) => got.push(topic));
    await listener.subscribeAsync('application/#', { qos: 1 });
    const result = await runScenario(scenario, { fleet: lora, transport: { kind: 'gateway', client: await gateway('gw-lora'), lorawan: 'chirpstack' } });
    expect(lora.devices.every((d) => d.devEui)).toBe(true);
    await expect.poll(() => got.length).toBe(7);
    expect(got.every((t) => /^application\/[^/]+\/device\/[0-9a-f]{16}\/event\/up$/.test(t))).toBe(true);
    expect(result.acked).toBe(7);
  });
});
