import { describe, expect, it } from 'vitest';
import type { DeviceType } from '@hv/contracts';
import { mixedFleet, type FaultType } from '@hv/simulators';
import { ALARM_TYPES, type AlarmType } from '../alarms/alarm-types';
import { runFleetThroughRules } from '../testing/run-fleet';

const HOUR = 3_600_000;
const perTenant = { 'lighting-controller': 6, 'lighting-cabinet': 1, 'boiler-room': 1, 'air-station': 1, 'co2-sensor': 1, 'parking-spot': 2, 'car-park': 1 } as Record<DeviceType, number>;
const fleet = mixedFleet({ seed: 'fault-rules', tenants: [{ tenant: '02408' }], perTenant, lorawan: [] });
const first = (type: DeviceType) => fleet.devices.find((d) => d.type === type)!;
const lamp = fleet.devices.find((d) => d.type === 'lighting-controller' && d.cabinet !== null)!;

interface Case {
  fault: FaultType;
  device: DeviceType;
  alarm: AlarmType;
  /** Fleet time: start, fault at, repair at, end (Paris). */
  start: string;
  atH: number;
  untilH: number;
  endH: number;
  /** Most hours from the fault to its alarm, and from the repair to the clear. */
  raiseWithinH: number;
  clearWithinH: number;
  /** Faults the device itself reports (no telemetry signature to detect from). */
  events?: boolean;
}

// A winter Monday in Laon: dark from ≈ 17:00 to 08:30.
const MONDAY = '2026-01-12T12:00:00+01:00';
const cases: Case[] = [
  { fault: 'lamp_failure', device: 'lighting-controller', alarm: 'lamp_failure', start: MONDAY, atH: 7, untilH: 10, endH: 14, raiseWithinH: 0.5, clearWithinH: 0.5 },
  // The repair comes at 23:00 on Wednesday, in this lamp's extinction window: judged again from 05:00.
  { fault: 'power_drift', device: 'lighting-controller', alarm: 'power_drift', start: MONDAY, atH: 5, untilH: 59, endH: 72, raiseWithinH: 40, clearWithinH: 7 },
  { fault: 'cycling', device: 'lighting-controller', alarm: 'cycling', start: MONDAY, atH: 7, untilH: 11, endH: 36, raiseWithinH: 2.5, clearWithinH: 15 },
  { fault: 'day_burner', device: 'lighting-controller', alarm: 'day_burner', start: MONDAY, atH: 20, untilH: 28, endH: 32, raiseWithinH: 3, clearWithinH: 1 },
  { fault: 'voltage_out_of_range', device: 'lighting-controller', alarm: 'voltage_out_of_range', start: MONDAY, atH: 7, untilH: 9, endH: 12, raiseWithinH: 0.5, clearWithinH: 0.5 },
  { fault: 'voltage_out_of_range', device: 'lighting-cabinet', alarm: 'voltage_out_of_range', start: MONDAY, atH: 7, untilH: 9, endH: 12, raiseWithinH: 0.5, clearWithinH: 0.5 },
  { fault: 'over_temperature', device: 'lighting-controller', alarm: 'over_temperature', start: MONDAY, atH: 7, untilH: 9, endH: 12, raiseWithinH: 1, clearWithinH: 1 },
  { fault: 'supply_loss', device: 'lighting-cabinet', alarm: 'supply_loss', start: MONDAY, atH: 7, untilH: 9, endH: 12, raiseWithinH: 0.5, clearWithinH: 0.5 },
  { fault: 'communication_loss', device: 'boiler-room', alarm: 'communication_loss', start: MONDAY, atH: 2, untilH: 4, endH: 6, raiseWithinH: 0.5, clearWithinH: 0.2 },
  { fault: 'low_pressure', device: 'boiler-room', alarm: 'low_pressure', start: MONDAY, atH: 2, untilH: 5, endH: 8, raiseWithinH: 0.75, clearWithinH: 0.5 },
  { fault: 'flame_fault', device: 'boiler-room', alarm: 'flame_fault', start: MONDAY, atH: 2, untilH: 5, endH: 8, raiseWithinH: 0.2, clearWithinH: 0.2, events: true },
  // Friday noon: heated as if occupied all weekend; found 24 h after the last occupant left (Friday for a school, Saturday for a gym) plus 3 h.
  { fault: 'unoccupied_heating', device: 'boiler-room', alarm: 'unoccupied_heating', start: '2026-01-16T12:00:00+01:00', atH: 0, untilH: 70, endH: 76, raiseWithinH: 60, clearWithinH: 3 },
  { fault: 'sensor_stuck', device: 'co2-sensor', alarm: 'sensor_stuck', start: MONDAY, atH: 2, untilH: 8, endH: 10, raiseWithinH: 2.5, clearWithinH: 0.5 },
  { fault: 'sensor_stuck', device: 'air-station', alarm: 'sensor_stuck', start: MONDAY, atH: 2, untilH: 8, endH: 10, raiseWithinH: 2.5, clearWithinH: 0.5 },
  { fault: 'sensor_stuck', device: 'car-park', alarm: 'sensor_stuck', start: '2026-01-13T07:00:00+01:00', atH: 2, untilH: 8, endH: 10, raiseWithinH: 2.5, clearWithinH: 0.5 },
  { fault: 'sensor_drift', device: 'co2-sensor', alarm: 'sensor_drift', start: MONDAY, atH: 2, untilH: 8, endH: 10, raiseWithinH: 0.5, clearWithinH: 0.5, events: true },
];

describe('every injected fault raises exactly one alarm of its type, cleared after the repair', () => {
  it.each(cases.map((c) => [`${c.fault} on a ${c.device} → ${c.alarm}`, c] as const))('%s', (_name, c) => {
    const device = c.device === 'lighting-controller' ? lamp : first(c.device);
    const startMs = Date.parse(c.start);
    const at = startMs + c.atH * HOUR;
    const until = startMs + c.untilH * HOUR;
    const { changes } = runFleetThroughRules(fleet, {
      seed: 'fault-rules',
      startMs,
      durationMs: c.endH * HOUR,
      stepMs: 20_000,
      faults: [{ type: c.fault, at, until, devices: [device.id] }],
      channels: c.events ? ['telemetry', 'event'] : ['telemetry'],
      eventShare: 0, // only the fault's own events, none of the models' random ones
    });
    const mine = changes.filter((x) => x.device === device.id && x.type === c.alarm);
    expect(mine.map((x) => x.kind).filter((k) => k !== 'escalate')).toEqual(['raise', 'clear']);
    const [raise, clear] = mine.filter((x) => x.kind !== 'escalate');
    expect(raise!.at - at, 'raised within its detection window').toBeLessThanOrEqual(c.raiseWithinH * HOUR);
    expect(raise!.since).toBeGreaterThanOrEqual(at - 60_000);
    expect(clear!.at).toBeGreaterThanOrEqual(until);
    expect(clear!.at - until, 'cleared within its window after the repair').toBeLessThanOrEqual(c.clearWithinH * HOUR);
    expect(raise!.source).toBe(c.events ? 'reported' : 'detected');

    // Nothing else: no other fault anywhere, except the lamps a lost supply darkens (correlated upstream).
    const others = changes.filter((x) => x !== raise && x !== clear && x.kind !== 'escalate' && ALARM_TYPES[x.type].kind !== 'usage');
    const darkened = c.fault === 'supply_loss' ? new Set(fleet.devices.filter((d) => d.cabinet === device.id).map((d) => d.id)) : new Set<string>();
    expect(others.filter((x) => !(darkened.has(x.device) && x.type === 'lamp_failure')).map((x) => `${x.kind} ${x.type} ${x.device}`)).toEqual([]);
  });

  it('a supply loss darkens every lamp behind the cabinet: each raises lamp_failure, for the correlation to fold into one', () => {
    const cabinet = first('lighting-cabinet');
    const behind = fleet.devices.filter((d) => d.cabinet === cabinet.id);
    expect(behind.length).toBeGreaterThan(1);
    const startMs = Date.parse(MONDAY);
    const { changes } = runFleetThroughRules(fleet, { seed: 'fault-rules', startMs, durationMs: 12 * HOUR, stepMs: 20_000, faults: [{ type: 'supply_loss', at: startMs + 7 * HOUR, until: startMs + 9 * HOUR, devices: [cabinet.id] }] });
    const failures = changes.filter((x) => x.type === 'lamp_failure' && x.kind === 'raise');
    expect(new Set(failures.map((x) => x.device))).toEqual(new Set(behind.map((d) => d.id)));
  });
});
