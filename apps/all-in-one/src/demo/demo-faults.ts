import type { DeviceType } from '@hv/contracts';
import type { FaultSpec, FaultType, SimDevice } from '@hv/simulators';

/** A scripted fault starts this often by default, s (HV_DEMO_FAULT_EVERY_S). */
export const DEFAULT_FAULT_EVERY_S = 180;
/** How far ahead the script is planned: a demo left running overnight keeps its faults coming, h. */
const PLANNED_HOURS = 48;

/**
 * The faults the demo plays in turn, each on a device that reports it (a fault event), so
 * that its alarm is raised within seconds and cleared at the repair: a lamp, a boiler room's
 * pressure, a parking sensor, the air station, a burner.
 */
const ROTATION: ReadonlyArray<{ fault: FaultType; on: DeviceType }> = [
  { fault: 'lamp_failure', on: 'lighting-controller' },
  { fault: 'low_pressure', on: 'boiler-room' },
  { fault: 'sensor_stuck', on: 'parking-spot' },
  { fault: 'sensor_drift', on: 'air-station' },
  { fault: 'flame_fault', on: 'boiler-room' },
];

/**
 * The demo's fault script from `startMs`: one fault every `everyS` (the first after half of
 * it), each repaired after two thirds of it, on the next device of its type in turn, so that
 * alarms come and clear in the console while one watches.
 */
export function demoFaults(devices: readonly SimDevice[], startMs: number, everyS = DEFAULT_FAULT_EVERY_S): FaultSpec[] {
  const byType = new Map<DeviceType, SimDevice[]>();
  for (const d of devices) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
  const everyMs = everyS * 1000;
  const specs: FaultSpec[] = [];
  const turns = new Map<DeviceType, number>();
  for (let i = 0; i * everyMs < PLANNED_HOURS * 3_600_000; i++) {
    const { fault, on } = ROTATION[i % ROTATION.length]!;
    const candidates = byType.get(on);
    if (!candidates?.length) continue;
    const turn = turns.get(on) ?? 0;
    turns.set(on, turn + 1);
    const at = startMs + everyMs / 2 + i * everyMs;
    specs.push({ type: fault, at, until: at + (everyMs * 2) / 3, devices: [candidates[turn % candidates.length]!.id] });
  }
  return specs;
}
