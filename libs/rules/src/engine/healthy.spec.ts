import { describe, expect, it } from 'vitest';
import { DEVICE_TYPE_NAMES, type DeviceType } from '@hv/contracts';
import { mixedFleet, type Fleet } from '@hv/simulators';
import { ALARM_TYPES } from '../alarms/alarm-types';
import { runFleetThroughRules } from '../testing/run-fleet';

const perTenant = { 'lighting-controller': 20, 'lighting-cabinet': 2, 'boiler-room': 2, 'air-station': 1, 'co2-sensor': 4, 'parking-spot': 10, 'car-park': 2 } as Record<DeviceType, number>;

/**
 * Classrooms ventilated as the règlement sanitaire départemental asks (18 m³/h per
 * pupil): CO2 then levels off near 420 + 0.018 / 18 × 10⁶ ≈ 1,420 ppm, below 1,500. The
 * simulated fleets otherwise draw 1–3 air changes an hour, and the poorly ventilated
 * classrooms rightly raise co2_high.
 */
function wellRun(fleet: Fleet): Fleet {
  return {
    ...fleet,
    devices: fleet.devices.map((d) => {
      if (d.type !== 'co2-sensor') return d;
      const { occupants, volume_m3 } = d.attributes as { occupants: number; volume_m3: number };
      return { ...d, attributes: { ...d.attributes, air_changes_per_h: (occupants * 18) / volume_m3 } };
    }),
  };
}

describe('a healthy fleet over a simulated winter week', () => {
  const fleet = wellRun(mixedFleet({ seed: 'healthy', tenants: [{ tenant: '02408' }, { tenant: '02691' }], perTenant }));
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
