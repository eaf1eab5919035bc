import { describe, expect, it } from 'vitest';
import { demoMixedFleet, FAULT_TARGETS } from '@hv/simulators';
import { demoFaults } from './demo-faults';

describe('the demo fault script', () => {
  const fleet = demoMixedFleet();
  const t0 = Date.UTC(2026, 11, 7, 20);

  it('starts a fault every period, the first after half of it, each repaired within the period, on a device it applies to', () => {
    const faults = demoFaults(fleet.devices, t0, 180);
    expect(faults.length).toBe((48 * 3600) / 180);
    expect(faults[0]!.at).toBe(t0 + 90_000);
    const byId = new Map(fleet.devices.map((d) => [d.id, d]));
    faults.forEach((f, i) => {
      expect(f.at).toBe(t0 + 90_000 + i * 180_000);
      expect(f.until! - f.at).toBe(120_000);
      expect(f.devices).toHaveLength(1);
      expect(FAULT_TARGETS[f.type]).toContain(byId.get(f.devices![0]!)!.type);
    });
    expect(new Set(faults.slice(0, 5).map((f) => f.type))).toEqual(new Set(['lamp_failure', 'low_pressure', 'sensor_stuck', 'sensor_drift', 'flame_fault']));
    // Lamps take turns: the next lamp failure is on another lamp.
    const lamps = faults.filter((f) => f.type === 'lamp_failure').slice(0, 3).map((f) => f.devices![0]);
    expect(new Set(lamps).size).toBe(3);
  });

  it('plans only on the devices it is given, and skips the faults of a type none of them has', () => {
    const lampsOnly = fleet.devices.filter((d) => d.type === 'lighting-controller');
    const faults = demoFaults(lampsOnly, t0, 60);
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.every((f) => f.type === 'lamp_failure' && lampsOnly.some((d) => d.id === f.devices![0]))).toBe(true);
  });
});
