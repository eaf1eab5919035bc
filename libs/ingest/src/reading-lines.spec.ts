import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES, geohashOf, pointOfReading, type DeviceInfo, type DeviceType } from '@hv/contracts';
import { messages, mixedFleet } from '@hv/simulators';
import { serializePoint } from '@hv/timeseries';
import { Normalizer, Rejection, StaticDeviceDirectory, type Reading } from '@hv/uplink';
import { plainPoint } from '../../timeseries/src/testing/line-protocol.plain';
import { ReadingLines } from './reading-lines';

const START = Date.UTC(2026, 10, 23, 18, 0, 0);
const TYPES = Object.keys(DEVICE_TYPES) as DeviceType[];

/** The reference: the reading's point (pointOfReading), serialised. */
const viaPoint = (r: Reading): string => serializePoint(pointOfReading(r, geohashOf(r.device.attributes)));
/** The same point written by the plain serialiser, which takes no shortcut. */
const viaPlainPoint = (r: Reading): string => plainPoint(pointOfReading(r, geohashOf(r.device.attributes)));
/** The line, or the message of the error that refused it. */
const outcome = (write: () => string): string => {
  try {
    return write();
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
};

describe('ReadingLines: the line serializePoint(pointOfReading(…)) writes, byte for byte', () => {
  it('over simulated uplinks of every device type and channel', () => {
    const fleet = mixedFleet({ seed: 'reading-lines', tenants: [{ tenant: '02408', epci: '200043495' }, { tenant: '02691' }], perTenant: Object.fromEntries(TYPES.map((t) => [t, 3])), lorawan: [] });
    const normalizer = new Normalizer(new StaticDeviceDirectory(fleet.devices), { maxPayloadBytes: 65_536, maxFutureMs: 300_000, maxPastMs: 10 * 86_400_000 });
    const lines = new ReadingLines();
    const seen = new Set<string>();
    for (const m of messages(fleet, { seed: 'reading-lines', count: 6_000, startMs: START, stepMs: 50, channels: ['telemetry', 'event', 'status', 'ack'] })) {
      const reading = normalizer.normalize(m.topic, m.payload, START + 300_000);
      if (reading instanceof Promise || reading instanceof Rejection) throw new Error(`not a reading: ${m.topic} ${JSON.stringify(reading)}`);
      expect(lines.lineOf(reading)).toBe(viaPoint(reading));
      expect(lines.lineOf(reading)).toBe(viaPlainPoint(reading));
      seen.add(`${reading.device.type}/${reading.channel}`);
    }
    // Every type's telemetry took the short way at least once, and other channels the point's.
    for (const type of TYPES) expect(seen).toContain(`${type}/telemetry`);
    expect([...seen].some((s) => s.endsWith('/event'))).toBe(true);
    expect([...seen].some((s) => s.endsWith('/status'))).toBe(true);
    expect([...seen].some((s) => s.endsWith('/ack'))).toBe(true);
  });

  const lamp: DeviceInfo = { id: 'lc-02408-1', tenant: '02408', type: 'lighting-controller', epci: '200043495', cabinet: 'lc-02408-c1', devEui: null, attributes: { lat: 49.56, lon: 3.62 } };
  const telemetry = (device: DeviceInfo, body: Record<string, unknown>, ts = START): Reading => ({ device, channel: 'telemetry', body, ts }) as unknown as Reading;

  it('escapes odd tag values, field keys and string fields as the point does', () => {
    const odd: DeviceInfo = { ...lamp, tenant: 'a b,c=d', id: 'x\\', epci: 'line\nbreak', cabinet: 'q"uote\\,' };
    const body = { ts: START, 'k ey,=': 'say "hi" \\o/ \\', s: 'tab\there\u0085', n: -0, big: 1e21, tiny: 5e-324, on: false, gone: null, none: undefined, '\ud800': 1 };
    const lines = new ReadingLines();
    expect(lines.lineOf(telemetry(odd, body))).toBe(viaPoint(telemetry(odd, body)));
    // Twice: the second line comes from the cached series key.
    expect(lines.lineOf(telemetry(odd, body))).toBe(viaPoint(telemetry(odd, body)));
  });

  it('refuses what the point refuses, with the same message', () => {
    const lines = new ReadingLines();
    const cases: Array<[DeviceInfo, Record<string, unknown>, number]> = [
      [lamp, { ts: START, power_w: Infinity }, START],
      [lamp, { ts: START, power_w: Number.NaN }, START],
      [lamp, { ts: START, time: 1 }, START],
      [lamp, { ts: START, '': 1 }, START],
      [lamp, { ts: START, nested: { a: 1 } }, START],
      [lamp, { ts: START }, START],
      [lamp, { ts: START, gone: null }, START],
      [lamp, { ts: START, 'k\n': 1, 'k\r': 2 }, START],
      [lamp, { ts: START, v: 1 }, 1.5],
      [lamp, { ts: START, v: 1 }, 1e20],
      [{ ...lamp, epci: 42 as unknown as string }, { ts: START, v: 1 }, START],
    ];
    for (const [device, body, ts] of cases) {
      const expected = outcome(() => viaPoint(telemetry(device, body, ts)));
      expect(expected).toMatch(/^refused: /);
      expect(outcome(() => lines.lineOf(telemetry(device, body, ts)))).toBe(expected);
      // A refused series key is not kept: refused again.
      expect(outcome(() => lines.lineOf(telemetry(device, body, ts)))).toBe(expected);
    }
  });

  it('agrees with the point over generated records and bodies, accepted or refused', () => {
    const name = fc.oneof(fc.constantFrom('v', 'power_w', 'time', '', 'a b', 'x=y', 'c,d', 'e\\', 'q"'), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
    const decimal = fc.tuple(fc.integer({ min: -2e9, max: 2e9 }), fc.constantFrom(10, 100, 1_000, 10_000)).map(([n, d]) => n / d);
    const value = fc.oneof(fc.double(), fc.integer(), decimal, fc.boolean(), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constant(null), fc.constant(undefined), fc.constant({}));
    const tagValue = fc.option(fc.oneof(name, fc.constantFrom('200043495', 'lc-02408-c1')), { nil: null });
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 5 }), name, name, tagValue, tagValue, fc.constantFrom(...TYPES), fc.oneof(fc.integer(), fc.double()), (body, tenant, id, epci, cabinet, type, ts) => {
        const device: DeviceInfo = { id: id === '' ? 'd' : id, tenant, type, epci, cabinet, devEui: null };
        const reading = telemetry(device, body, ts);
        const lines = new ReadingLines();
        expect(outcome(() => lines.lineOf(reading))).toBe(outcome(() => viaPoint(reading)));
        // Again, with the series key and the field keys cached, and against the plain serialiser.
        expect(outcome(() => lines.lineOf(reading))).toBe(outcome(() => viaPlainPoint(reading)));
      }),
      { numRuns: 1_000 },
    );
  }, 30_000);

  it('writes a changed registry record (a reload makes a new one) with its new tags', () => {
    const lines = new ReadingLines();
    const body = { ts: START, seq: 1, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5 };
    expect(lines.lineOf(telemetry(lamp, body))).toContain(',cabinet=lc-02408-c1,');
    const moved: DeviceInfo = { ...lamp, cabinet: 'lc-02408-c2', attributes: { lat: 48.85, lon: 2.35 } };
    expect(lines.lineOf(telemetry(moved, body))).toBe(viaPoint(telemetry(moved, body)));
    expect(lines.lineOf(telemetry(moved, body))).toContain(',cabinet=lc-02408-c2,');
  });
});
