/** The fault specs' shared fixtures: a lighting fleet, the other domains, and stream runs checked against the contract. */
import { uplinkSchema, type DeviceType, type UplinkChannel } from '@hv/contracts';
import { expect } from 'vitest';
import { isDark } from '@hv/lighting';
import type { FaultSpec } from '../faults';
import { lightingFleet, mixedFleet, type Fleet, type SimDevice } from '../fleet';
import { messages } from '../stream';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** Monday 15 December 2025, noon UTC: a school week in the heating season. */
export const START = Date.parse('2025-12-15T12:00:00Z');
export const AT = START + 24 * HOUR; // Tuesday noon
export const UNTIL = AT + 48 * HOUR; // Thursday noon
export const END = UNTIL + 48 * HOUR; // Saturday noon
/** Every device reports every EVERY ms. */
export const EVERY = 10 * MIN;

export type Body = Record<string, any>;
export interface Row {
  ts: number;
  id: string;
  device: SimDevice;
  channel: UplinkChannel;
  body: Body;
}

export const lighting = lightingFleet({ seed: 'faults', tenant: '02408', controllers: 12, cabinets: 2 });
export const lampsOf = (fleet: Fleet, cabinet?: string) => fleet.devices.filter((d) => d.type === 'lighting-controller' && (cabinet === undefined || d.cabinet === cabinet));
export const cabinetsOf = (fleet: Fleet) => fleet.devices.filter((d) => d.type === 'lighting-cabinet');

/** Boilers in school buildings with a night setback, CO2 and air sensors, spots and a car park. */
export const others: Fleet = (() => {
  const f = mixedFleet({
    seed: 'faults',
    tenants: [{ tenant: '02408' }],
    perTenant: { 'boiler-room': 2, 'air-station': 1, 'co2-sensor': 2, 'parking-spot': 3, 'car-park': 1 },
  });
  for (const d of f.devices) {
    if (d.type === 'boiler-room') d.attributes = { ...d.attributes, use: 'school', night_setback: true, summer_cutoff: true };
    if (d.type === 'co2-sensor') d.attributes = { ...d.attributes, use: 'school' };
  }
  return f;
})();
export const first = (fleet: Fleet, type: DeviceType, i = 0) => fleet.devices.filter((d) => d.type === type)[i]!;

export interface RunOptions {
  channels?: UplinkChannel[];
  start?: number;
  end?: number;
}

/**
 * The stream of `fleet` with `faults` from `start` to `end`, every device reporting every
 * EVERY ms; every payload is checked against the contract on the way.
 */
export function run(fleet: Fleet, faults: FaultSpec[] | undefined, options: RunOptions = {}): Row[] {
  const start = options.start ?? START;
  const end = options.end ?? END;
  const rows: Row[] = [];
  const invalid: string[] = [];
  const stream = messages(fleet, {
    seed: 7,
    startMs: start,
    stepMs: EVERY / fleet.devices.length,
    channels: options.channels ?? ['telemetry', 'event'],
    eventShare: 0, // only the injected faults' events
    faults,
  });
  for (const m of stream) {
    if (m.ts >= end) break;
    const body = JSON.parse(m.payload.toString('utf8')) as Body;
    const parsed = uplinkSchema(m.device.type, m.channel).safeParse(body);
    if (!parsed.success && invalid.length < 5) invalid.push(`${m.channel} ${m.payload.toString()}: ${parsed.error.message}`);
    rows.push({ ts: m.ts, id: m.device.id, device: m.device, channel: m.channel, body });
  }
  expect(invalid).toEqual([]);
  return rows;
}

export const telemetry = (rows: Row[], id: string, from = -Infinity, to = Infinity) =>
  rows.filter((r) => r.id === id && r.channel === 'telemetry' && r.ts >= from && r.ts < to);
export const before = (rows: Row[], id: string) => telemetry(rows, id, -Infinity, AT);
export const during = (rows: Row[], id: string, settleMs = 0) => telemetry(rows, id, AT + settleMs, UNTIL);
export const after = (rows: Row[], id: string, settleMs = 0) => telemetry(rows, id, UNTIL + settleMs);
export const faultEvents = (rows: Row[], id?: string) =>
  rows.filter((r) => r.channel === 'event' && (id === undefined || r.id === id) && String(r.body.event).startsWith('fault_'));

/** The device raised `code` on its first turn at or after `raiseAt` and cleared it on its first turn at or after `clearAt`. */
export function expectRaisedAndCleared(rows: Row[], id: string, code: string, raiseAt = AT, clearAt = UNTIL): void {
  const events = faultEvents(rows, id);
  expect(events.map((e) => [e.body.event, e.body.code])).toEqual([
    ['fault_raised', code],
    ['fault_cleared', code],
  ]);
  expect(events[0]!.ts).toBeGreaterThanOrEqual(raiseAt);
  expect(events[0]!.ts).toBeLessThan(raiseAt + EVERY + 1_000);
  expect(events[1]!.ts).toBeGreaterThanOrEqual(clearAt);
  expect(events[1]!.ts).toBeLessThan(clearAt + EVERY + 1_000);
}

export const dark = (r: Row) => isDark(r.ts, r.device.attributes.lat as number, r.device.attributes.lon as number);
/** Nominal power at the reported level, W. */
export const nominalW = (r: Row) => (r.device.attributes.rated_power_w as number) * (r.body.level_pct / 100) * (r.device.attributes.loss_factor as number);

