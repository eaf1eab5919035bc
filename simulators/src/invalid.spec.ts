import { DEVICE_TYPE_NAMES, type DeviceType } from '@hv/contracts';
import { describe, expect, it } from 'vitest';
// Read-only use of the uplink path: each message must really get its reason from the real normalizer.
import { StaticDeviceDirectory } from '../../libs/uplink/src/pipeline/device-directory';
import { Normalizer } from '../../libs/uplink/src/pipeline/normalizer';
import { REJECT_REASONS, Rejection } from '../../libs/uplink/src/pipeline/rejection';
import { demoFleet, devicesOf, mixedFleet, type Fleet } from './fleet';
import { invalidMessages, SIM_REJECT_REASONS } from './invalid';

const LIMITS = { maxPayloadBytes: 16_384, maxFutureMs: 300_000, maxPastMs: 31 * 86_400_000 };
const NOW = Date.parse('2026-11-23T10:00:00Z');
const mixed = mixedFleet({
  seed: 'invalid',
  tenants: [{ tenant: '02408' }, { tenant: '02691' }],
  perTenant: Object.fromEntries(DEVICE_TYPE_NAMES.map((t) => [t, 2])) as Record<DeviceType, number>,
});

function reasonOf(fleet: Fleet, topic: string, payload: Buffer, receivedAtMs: number): string {
  const normalizer = new Normalizer(new StaticDeviceDirectory(devicesOf(fleet)), LIMITS);
  const result = normalizer.normalize(topic, payload, receivedAtMs);
  if (result instanceof Promise) throw new Error('the static directory answers synchronously');
  return result instanceof Rejection ? result.reason : 'accepted';
}

describe('invalidMessages()', () => {
  it('covers every reject reason a message alone can cause', () => {
    expect([...SIM_REJECT_REASONS].sort()).toEqual([...REJECT_REASONS].sort());
  });

  it.each([
    ['a mixed fleet, platform clock given', mixed, NOW],
    ['a mixed fleet, clock left out', mixed, undefined],
    ['the demo fleet (no LoRaWAN device)', demoFleet({ controllers: 8, cabinets: 1 }), NOW],
  ] as const)('each message of %s gets exactly its expected reason from the normalizer', (_name, fleet, nowMs) => {
    const produced = new Set<string>();
    const descriptions = new Set<string>();
    for (const m of invalidMessages(fleet, 'seed', 600, { nowMs })) {
      const got = reasonOf(fleet, m.topic, m.payload, nowMs ?? Date.parse('2031-05-01T00:00:00Z'));
      expect(got, `${m.description}: ${m.topic} ${m.payload.subarray(0, 200).toString()}`).toBe(m.expectedReason);
      produced.add(m.expectedReason);
      descriptions.add(m.description.replace(/[0-9a-f]{8,}|ghost-\S+|\d{5}/g, '…'));
    }
    expect([...produced].sort()).toEqual([...SIM_REJECT_REASONS].sort());
    expect(descriptions.size).toBeGreaterThan(25);
  });

  it('keeps to the reasons asked for', () => {
    const reasons = new Set([...invalidMessages(mixed, 1, 50, { reasons: ['schema', 'bad_topic'] })].map((m) => m.expectedReason));
    expect([...reasons].sort()).toEqual(['bad_topic', 'schema']);
  });

  it('is deterministic per seed', () => {
    const run = (seed: number) => [...invalidMessages(mixed, seed, 200, { nowMs: NOW })].map((m) => `${m.topic} ${m.payload.toString('base64')}`).join('\n');
    expect(run(3)).toBe(run(3));
    expect(run(4)).not.toBe(run(3));
  });
});
