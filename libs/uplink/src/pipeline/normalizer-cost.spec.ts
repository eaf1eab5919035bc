import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceInfo } from '@hv/contracts';
import { StaticDeviceDirectory } from './device-directory';
import { Normalizer } from './normalizer';
import { Rejection } from './rejection';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const lamp: DeviceInfo = { id: 'lc-02408-1', tenant: '02408', type: 'lighting-controller', epci: null, cabinet: null, devEui: null };
const spot: DeviceInfo = { id: 'ps-02691-7', tenant: '02691', type: 'parking-spot', epci: null, cabinet: null, devEui: '70b3d57ed0000007' };

/** A directory that counts the lookups that could reach the registry (byId, byDevEui). */
class CountingDirectory extends StaticDeviceDirectory {
  lookups = 0;
  override byId(id: string): DeviceInfo | undefined {
    this.lookups++;
    return super.byId(id);
  }
  override byDevEui(devEui: string): DeviceInfo | undefined {
    this.lookups++;
    return super.byDevEui(devEui);
  }
}

const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const time = new Date(NOW - 2000).toISOString();
const routes = [
  ['native telemetry', 'hv/v1/02408/lighting/lc-02408-1/telemetry', json({ ts: NOW - 1000, seq: 1, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5 })],
  ['native event', 'hv/v1/02408/lighting/lc-02408-1/event', json({ ts: NOW - 1000, seq: 2, event: 'fault_raised', code: 'lamp_failure' })],
  ['ChirpStack telemetry', 'application/a/device/70b3d57ed0000007/event/up', json({ deviceInfo: { devEui: spot.devEui }, time, fCnt: 3, object: { occupied: true } })],
  ['ChirpStack ack', 'application/a/device/70b3d57ed0000007/event/up', json({ deviceInfo: { devEui: spot.devEui }, time, fCnt: 4, fPort: 11, object: { cmd_id: 'c-1', status: 'ok' } })],
  ['TTS telemetry', 'v3/app@t/devices/spot-7/up', json({ end_device_ids: { dev_eui: spot.devEui }, received_at: time, uplink_message: { f_cnt: 5, decoded_payload: { occupied: false } } })],
] as const;

describe('Normalizer: one registry lookup and one JSON parse per message', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(routes)('%s: a reading, from one lookup and one parse', (_what, topic, payload) => {
    const directory = new CountingDirectory([lamp, spot]);
    const normalizer = new Normalizer(directory, { maxPayloadBytes: 4096, maxFutureMs: 300_000, maxPastMs: 86_400_000 });
    const parse = vi.spyOn(JSON, 'parse');
    const out = normalizer.normalize(topic, payload, NOW);
    expect(out).not.toBeInstanceOf(Rejection);
    expect(out).not.toBeInstanceOf(Promise);
    expect(directory.lookups).toBe(1);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('keeps to one lookup and one parse per message over a mixed batch', () => {
    const directory = new CountingDirectory([lamp, spot]);
    const normalizer = new Normalizer(directory, { maxPayloadBytes: 4096, maxFutureMs: 300_000, maxPastMs: 86_400_000 });
    const parse = vi.spyOn(JSON, 'parse');
    const batch = Array.from({ length: 50 }, (_, i) => routes[i % routes.length]!);
    for (const [, topic, payload] of batch) expect(normalizer.normalize(topic, payload, NOW)).not.toBeInstanceOf(Rejection);
    expect(directory.lookups).toBe(batch.length);
    expect(parse).toHaveBeenCalledTimes(batch.length);
  });
});
