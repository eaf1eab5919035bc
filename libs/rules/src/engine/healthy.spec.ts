import { describe, expect, it } from 'vitest';
import { DEVICE_TYPE_NAMES, type DeviceType } from '@hv/contracts';
import { mixedFleet, ventilatedAsRequired } from '@hv/simulators';
import { ALARM_TYPES } from '../alarms/alarm-types';
import { runFleetThroughRules } from '../testing/run-fleet';

const perTenant = { 'lighting-controller': 20, 'lighting-cabinet': 2, 'boiler-room': 2, 'air-station': 1, 'co2-sensor': 4, 'parking-spot': 10, 'car-park': 2 } as Record<DeviceType, number>;

describe('a healthy fleet over a simulated winter week', () => {
  const fleet = ventilatedAsRequired(mixedFleet({ seed: 'healthy', tenants: [{ tenant: '02408' }, { tenant: '02691' }], perTenant }));
  const { changes, messages } = runFleetThroughRules(fleet, { seed: 'healthy', startMs: Date.parse('2026-01-12T00:00:00+01:00'), durationMs: 7 * 86_400_000, stepMs: 3_000 });

  it('covers every device type, every few minutes', () => {
    expect(new Set(fleet.devices.map((d) => d.type)).size).toBe(DEVICE_TYPE_NAMES.length);
    expect(messages).toBeGreaterThan(200_000);
  });

  it('raises no fault, no finding and no threshold alarm', () => {
    const alarms = changes.filter((c) => ALARM_TYPES[c.type].kind !== 'usage');
    expect(alarms.map((c) => `${c.kind} ${c.type} ${c.device} ${new Date(c.since).toISOString()} ${c.value ?? ''}`)).toEqual([]);
  });

  it('does report what drivers do: overstays in the blue zone and a saturated station car park, each raised and cleared', () => {
    const usage = changes.filter((c) => ALARM_TYPES[c.type].kind === 'usage');
    expect(new Set(usage.map((c) => c.type))).toEqual(new Set(['overstay', 'saturation']));
    const raised = usage.filter((c) => c.kind === 'raise').length;
    const cleared = usage.filter((c) => c.kind === 'clear').length;
    expect(raised - cleared).toBeGreaterThanOrEqual(0);
    expect(raised - cleared).toBeLessThanOrEqual(fleet.devices.filter((d) => d.type === 'parking-spot' || d.type === 'car-park').length);
  });
});
