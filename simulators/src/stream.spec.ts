import { createHash } from 'node:crypto';
import { DEVICE_TYPE_NAMES, parseDeviceTopic, uplinkSchema, type DeviceType } from '@hv/contracts';
import { describe, expect, it } from 'vitest';
import { demoFleet, mixedFleet } from './fleet';
import { messages, type SimMessage, type StreamOptions } from './stream';

const fleet = mixedFleet({
  seed: 11,
  tenants: [{ tenant: '02408' }, { tenant: '02691' }, { tenant: '200043495' }],
  perTenant: Object.fromEntries(DEVICE_TYPE_NAMES.map((t) => [t, 3])) as Record<DeviceType, number>,
});
const START = Date.parse('2025-12-21T12:00:00Z');
const ALL: StreamOptions['channels'] = ['telemetry', 'event', 'status', 'ack'];

const digest = (ms: Iterable<SimMessage>) => {
  const h = createHash('sha256');
  for (const m of ms) h.update(m.topic).update('\0').update(m.payload).update('\0');
  return h.digest('hex');
};

describe('messages()', () => {
  const all = [...messages(fleet, { seed: 5, count: 6_000, startMs: START, stepMs: 250, channels: ALL })];

  it('yields exactly count messages', () => {
    expect(all).toHaveLength(6_000);
  });

  it('gives payloads valid under the contract for every type and channel', () => {
    const seen = new Set<string>();
    for (const m of all) {
      const body = JSON.parse(m.payload.toString('utf8'));
      const parsed = uplinkSchema(m.device.type, m.channel).safeParse(body);
      expect(parsed.success, `${m.topic} ${m.payload.toString()}`).toBe(true);
      expect(body.ts).toBe(m.ts);
      if (m.channel !== 'status') expect(body.seq).toBe(m.seq);
      seen.add(`${m.device.type}/${m.channel}`);
    }
    for (const type of DEVICE_TYPE_NAMES) for (const ch of ['telemetry', 'event', 'status', 'ack']) expect(seen.has(`${type}/${ch}`), `${type}/${ch}`).toBe(true);
  });

  it("publishes on hv/v1/{tenant}/{domain}/{device}/{channel} naming the device's own tenant and domain", () => {
    for (const m of all) {
      const parsed = parseDeviceTopic(m.topic);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.topic).toEqual({ tenant: m.device.tenant, domain: m.device.domain, device: m.device.id, channel: m.channel });
    }
  });

  it('keeps timestamps strictly increasing per device and channel, and seq +1 per device', () => {
    const lastTs = new Map<string, number>();
    const lastSeq = new Map<string, number>();
    for (const m of all) {
      const key = `${m.device.id}/${m.channel}`;
      if (lastTs.has(key)) expect(m.ts).toBeGreaterThan(lastTs.get(key)!);
      lastTs.set(key, m.ts);
      expect(Number.isInteger(m.ts)).toBe(true);
      if (m.channel === 'status') continue;
      expect(m.seq).toBe((lastSeq.get(m.device.id) ?? -1) + 1);
      lastSeq.set(m.device.id, m.seq);
    }
  });

  it('stays strictly increasing per device even with sub-millisecond steps (no InfluxDB overwrite)', () => {
    const seen = new Set<string>();
    for (const m of messages(demoFleet({ controllers: 10, cabinets: 1 }), { seed: 1, count: 2_000, startMs: START, stepMs: 0.01, channels: ['telemetry', 'event'] })) {
      const key = `${m.device.id}/${m.channel}/${m.ts}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('visits every device once per round', () => {
    const n = fleet.devices.length;
    const counts = new Map<string, number>();
    for (const m of messages(fleet, { seed: 5, count: 4 * n, startMs: START })) counts.set(m.device.id, (counts.get(m.device.id) ?? 0) + 1);
    expect(counts.size).toBe(n);
    for (const c of counts.values()) expect(c).toBe(4);
  });

  it('is telemetry only by default, and about 5 % events when events are asked for', () => {
    const plain = [...messages(fleet, { seed: 5, count: 2_000, startMs: START })];
    expect(plain.every((m) => m.channel === 'telemetry')).toBe(true);
    const mixed = [...messages(fleet, { seed: 5, count: 20_000, startMs: START, channels: ['telemetry', 'event'] })];
    const share = mixed.filter((m) => m.channel === 'event').length / mixed.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
  });

  it('stamps the n-th message startMs + n × stepMs', () => {
    const ms = [...messages(fleet, { seed: 5, count: 10, startMs: START, stepMs: 60_000 })];
    expect(ms.map((m) => m.ts)).toEqual(Array.from({ length: 10 }, (_, i) => START + i * 60_000));
  });

  it('reads the given clock in live mode, and nothing else', () => {
    let now = START;
    const ms = [...messages(fleet, { seed: 5, count: 3, startMs: 0, clock: () => (now += 7) })];
    expect(ms.map((m) => m.ts)).toEqual([START + 7, START + 14, START + 21]);
  });

  it('gives byte-identical streams for the same seed, and different ones for another seed', () => {
    const opts = { count: 3_000, startMs: START, channels: ALL } as const;
    const a = digest(messages(fleet, { seed: 5, ...opts }));
    expect(digest(messages(fleet, { seed: 5, ...opts }))).toBe(a);
    expect(digest(messages(fleet, { seed: 6, ...opts }))).not.toBe(a);
    expect(digest(messages(mixedFleet({ seed: 11, tenants: [{ tenant: '02408' }, { tenant: '02691' }, { tenant: '200043495' }], perTenant: Object.fromEntries(DEVICE_TYPE_NAMES.map((t) => [t, 3])) as Record<DeviceType, number> }), { seed: 5, ...opts }))).toBe(a);
  });
});
