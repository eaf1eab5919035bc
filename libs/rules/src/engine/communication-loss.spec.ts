import { describe, expect, it } from 'vitest';
import { DeviceSim, mixedFleet } from '@hv/simulators';
import type { DeviceType } from '@hv/contracts';
import { DEFAULT_RULES } from '../rule-config';
import { DeviceRules } from './device-rules';

const MIN = 60_000;
const T0 = Date.parse('2026-01-12T08:00:00Z');
/** A boiler room reports every 5 min; 3 missed periods: silent after 15 min. */
const fleet = mixedFleet({ seed: 'comm-loss', tenants: [{ tenant: '02408' }], perTenant: { 'boiler-room': 1 } as Record<DeviceType, number>, lorawan: [] });
const device = fleet.devices[0]!;

function reportingUntil(lastMs: number): DeviceRules {
  const rules = new DeviceRules(device, DEFAULT_RULES);
  const sim = new DeviceSim(device, { seed: 'comm-loss' });
  for (let t = T0; t <= lastMs; t += 5 * MIN) {
    const m = sim.telemetry(t);
    rules.observe('telemetry', JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>, t);
  }
  return rules;
}

const raised = (rules: DeviceRules, now: number, since: number | null) => rules.tick(now, since).filter((c) => c.type === 'communication_loss' && c.kind === 'raise');

describe('communication loss against the listener’s own absence', () => {
  it('raises once the device has been silent for three periods while listened to', () => {
    const rules = reportingUntil(T0 + 60 * MIN);
    expect(raised(rules, T0 + 74 * MIN, T0)).toEqual([]);
    const [alarm] = raised(rules, T0 + 76 * MIN, T0);
    expect(alarm).toMatchObject({ type: 'communication_loss', value: 16 * 60 });
  });

  it('does not judge a device while nothing is received (no connection to the broker)', () => {
    const rules = reportingUntil(T0 + 60 * MIN);
    expect(raised(rules, T0 + 300 * MIN, null)).toEqual([]);
  });

  it('counts the silence from when listening resumed, not from the last reading before an outage', () => {
    // Readings up to 01:00; the listener away from 01:05 to 03:00 (restart, broker lost).
    const rules = reportingUntil(T0 + 60 * MIN);
    const resumed = T0 + 180 * MIN;
    expect(raised(rules, resumed + 1 * MIN, resumed)).toEqual([]);
    expect(raised(rules, resumed + 14 * MIN, resumed)).toEqual([]);
    // Still nothing 15 minutes after the listener came back: now it is the device.
    const [alarm] = raised(rules, resumed + 16 * MIN, resumed);
    // The value is the device's whole silence, not the part since the resumption.
    expect(alarm).toMatchObject({ type: 'communication_loss', value: 136 * 60 });
  });
});
