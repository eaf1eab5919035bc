import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../rule-config';
import { DeviceRules, type AlarmChange } from './device-rules';

const MIN = 60_000;
const T0 = Date.parse('2026-01-15T08:00:00Z');

/** A boiler room reporting its circuit pressure every minute from `fromMin` to `toMin`. */
function feed(rules: DeviceRules, fromMin: number, toMin: number, pressureBar: number): AlarmChange[] {
  const out: AlarmChange[] = [];
  for (let m = fromMin; m < toMin; m++) out.push(...rules.observe('telemetry', { pressure_bar: pressureBar, flow_temp_c: 60, return_temp_c: 45 }, T0 + m * MIN));
  return out;
}
const kinds = (changes: AlarmChange[]) => changes.filter((c) => c.type === 'low_pressure').map((c) => c.kind);

describe('a condition closed by hand (an operator cleared its alarm while the fault held)', () => {
  it('is not raised again by the same fault, ends without a clear, and a new fault raises it again', () => {
    const rules = new DeviceRules({ id: 'boiler-1', tenant: '02408', type: 'boiler-room', epci: null, cabinet: null, attributes: {} }, DEFAULT_RULES);
    // Low pressure (below 1 bar for 5 min): raised.
    expect(kinds(feed(rules, 0, 10, 0.6))).toEqual(['raise']);
    expect(rules.closeByHand('low_pressure', T0 + 10 * MIN)).toBe(true);
    // The same fault goes on, then the pressure is back (above 1.2 bar for 5 min): nothing.
    expect(kinds(feed(rules, 10, 40, 0.6))).toEqual([]);
    expect(kinds(feed(rules, 40, 60, 1.5))).toEqual([]);
    // A new fault is a new alarm, and its end clears it as usual.
    expect(kinds(feed(rules, 60, 70, 0.6))).toEqual(['raise']);
    expect(kinds(feed(rules, 70, 80, 1.5))).toEqual(['clear']);
  });

  it('is refused when the condition is not active (nothing to take as cleared)', () => {
    const rules = new DeviceRules({ id: 'boiler-2', tenant: '02408', type: 'boiler-room', epci: null, cabinet: null, attributes: {} }, DEFAULT_RULES);
    feed(rules, 0, 3, 0.6); // bad, but not for long enough: pending, not raised
    expect(rules.closeByHand('low_pressure', T0 + 3 * MIN)).toBe(false);
    expect(kinds(feed(rules, 3, 10, 0.6))).toEqual(['raise']);
  });

  it('survives a restart: the mark is in the persisted state', () => {
    const device = { id: 'boiler-3', tenant: '02408', type: 'boiler-room' as const, epci: null, cabinet: null, attributes: {} };
    const before = new DeviceRules(device, DEFAULT_RULES);
    feed(before, 0, 10, 0.6);
    before.closeByHand('low_pressure', T0 + 10 * MIN);
    const after = new DeviceRules(device, DEFAULT_RULES, JSON.parse(JSON.stringify(before.state)));
    expect(kinds(feed(after, 10, 30, 0.6))).toEqual([]);
    expect(kinds(feed(after, 30, 50, 1.5))).toEqual([]);
  });
});
