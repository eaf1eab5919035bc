import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from '@hv/contracts';
import { StaticDeviceDirectory } from './device-directory';
import { Normalizer, type Normalized } from './normalizer';
import { Rejection } from './rejection';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const LIMITS = { maxPayloadBytes: 4096, maxFutureMs: 300_000, maxPastMs: 86_400_000 };
const lamp: DeviceInfo = { id: 'lc-02408-1', tenant: '02408', type: 'lighting-controller', epci: null, cabinet: null, devEui: null };
const TOPIC = 'hv/v1/02408/lighting/lc-02408-1/telemetry';
const body = (seq: number) => Buffer.from(JSON.stringify({ ts: NOW - 1000, seq, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5 }));
const reason = (n: Normalized | Promise<Normalized>) => (n instanceof Rejection ? n.reason : n instanceof Promise ? 'pending' : 'reading');

/** The Normalizer keeps the topics it parsed; what it checks against the registry is checked every message. */
describe('Normalizer: parsed topics kept', () => {
  class Directory extends StaticDeviceDirectory {
    record: DeviceInfo | undefined = lamp;
    override byId(): DeviceInfo | undefined {
      return this.record;
    }
  }

  it('checks the registry at every message of a topic it has seen', () => {
    const directory = new Directory([lamp]);
    const normalizer = new Normalizer(directory, LIMITS);
    expect(reason(normalizer.normalize(TOPIC, body(1), NOW))).toBe('reading');
    directory.record = { ...lamp, tenant: '02691' };
    expect(reason(normalizer.normalize(TOPIC, body(2), NOW))).toBe('tenant_mismatch');
    directory.record = { ...lamp, type: 'boiler-room' };
    expect(reason(normalizer.normalize(TOPIC, body(3), NOW))).toBe('domain_mismatch');
    directory.record = undefined;
    expect(reason(normalizer.normalize(TOPIC, body(4), NOW))).toBe('unknown_device');
    directory.record = lamp;
    expect(reason(normalizer.normalize(TOPIC, body(5), NOW))).toBe('reading');
    expect(reason(normalizer.normalize(TOPIC.replace('telemetry', 'cmd'), body(6), NOW))).toBe('unexpected_channel');
    expect(reason(normalizer.normalize(TOPIC.replace('telemetry', 'cmd'), body(7), NOW))).toBe('unexpected_channel');
  });

  it('refuses a bad topic every time, and stays right past its bound on distinct topics', () => {
    const normalizer = new Normalizer(new StaticDeviceDirectory([lamp]), LIMITS);
    for (let i = 0; i < 2; i++) expect(reason(normalizer.normalize('hv/v1/02408/lighting/LC 1/telemetry', body(1), NOW))).toBe('bad_topic');
    for (let i = 0; i < 70_000; i++) expect(reason(normalizer.normalize(`hv/v1/02408/lighting/x-${i}/telemetry`, body(1), NOW))).toBe('unknown_device');
    expect(reason(normalizer.normalize(TOPIC, body(2), NOW))).toBe('reading');
    expect(reason(normalizer.normalize('hv/v1/02408/lighting/x-3/telemetry', body(3), NOW))).toBe('unknown_device');
  });
});
