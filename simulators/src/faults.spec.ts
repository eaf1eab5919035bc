import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Fleet } from './fleet';
import { FleetStream, messages } from './stream';
import { FAULT_TARGETS, FAULT_TYPES, FaultPlan, faultEventCode, type FaultSpec, type FaultType } from './faults';
import { MIN, HOUR, START, AT, UNTIL, EVERY, lighting, lampsOf, cabinetsOf, others, first, run, telemetry, faultEvents } from './testing/fault-runs';

describe('FaultPlan', () => {
  it('faults every matching device by default, only the listed ones with `devices`', () => {
    const all = new FaultPlan([{ type: 'lamp_failure', at: AT }], lighting, 1);
    expect(all.faults[0]!.devices).toEqual(lampsOf(lighting).map((d) => d.id));
    const one = lampsOf(lighting)[3]!.id;
    const listed = new FaultPlan([{ type: 'lamp_failure', at: AT, until: UNTIL, devices: [one] }], lighting, 1);
    expect(listed.faults[0]!.devices).toEqual([one]);
    expect(listed.activeFaults(one, AT - 1)).toEqual([]);
    expect(listed.activeFaults(one, AT)).toEqual([{ type: 'lamp_failure', at: AT, until: UNTIL }]);
    expect(listed.activeFaults(one, UNTIL)).toEqual([]);
    expect(listed.activeFaults(lampsOf(lighting)[4]!.id, AT + 1)).toEqual([]);
  });

  it('picks a deterministic share of the matching devices from the seed', () => {
    const spec: FaultSpec = { type: 'lamp_failure', at: AT, share: 0.25 };
    const a = new FaultPlan([spec], lighting, 'x').faults[0]!.devices;
    expect(a).toHaveLength(3);
    expect(new FaultPlan([spec], lighting, 'x').faults[0]!.devices).toEqual(a);
    for (const id of a) expect(lampsOf(lighting).some((d) => d.id === id)).toBe(true);
    const others = ['y', 'z', 1, 2, 3].map((seed) => new FaultPlan([spec], lighting, seed).faults[0]!.devices.join());
    expect(others.some((o) => o !== a.join())).toBe(true);
    expect(new FaultPlan([{ ...spec, share: 0 }], lighting, 'x').faults[0]!.devices).toEqual([]);
  });

  it('darkens the luminaires behind a cabinet that lost its supply', () => {
    const cab = cabinetsOf(lighting)[0]!;
    const plan = new FaultPlan([{ type: 'supply_loss', at: AT, devices: [cab.id] }], lighting, 1);
    for (const lamp of lampsOf(lighting)) {
      const expected = lamp.cabinet === cab.id ? [{ type: 'supply_loss', at: AT, until: undefined, via: cab.id }] : [];
      expect(plan.activeFaults(lamp.id, AT + HOUR)).toEqual(expected);
    }
    // Only the cabinet reports the fault: it explains every dark lamp behind it.
    expect(plan.transitions(cab.id)).toEqual([{ code: 'supply_loss', raiseAt: AT, clearAt: undefined }]);
    for (const lamp of lampsOf(lighting)) expect(plan.transitions(lamp.id)).toEqual([]);
  });

  it('rejects specs it cannot apply', () => {
    const lamp = lampsOf(lighting)[0]!.id;
    expect(() => new FaultPlan([{ type: 'supply_loss', at: AT, devices: [lamp] }], lighting, 1)).toThrow(/does not apply/);
    expect(() => new FaultPlan([{ type: 'lamp_failure', at: AT, devices: ['lc-02408-999'] }], lighting, 1)).toThrow(/unknown device/);
    expect(() => new FaultPlan([{ type: 'lamp_failure', at: AT, until: AT }], lighting, 1)).toThrow(/until/);
    expect(() => new FaultPlan([{ type: 'lamp_failure', at: AT, share: 1.5 }], lighting, 1)).toThrow(/share/);
    expect(() => new FaultPlan([{ type: 'nope' as FaultType, at: AT }], lighting, 1)).toThrow(/unknown fault type/);
  });

  it('names the contract event code of each fault, where the contract has one', () => {
    const codes = Object.fromEntries(
      FAULT_TYPES.flatMap((t) => FAULT_TARGETS[t].map((type) => [`${t}@${type}`, faultEventCode(t, first(type.startsWith('lighting') ? lighting : others, type))])),
    );
    expect(codes).toMatchObject({
      'lamp_failure@lighting-controller': 'lamp_failure',
      'day_burner@lighting-controller': 'day_burner',
      'cycling@lighting-controller': 'cycling',
      'power_drift@lighting-controller': 'power_high',
      'supply_loss@lighting-cabinet': 'supply_loss',
      'voltage_out_of_range@lighting-cabinet': 'voltage_out_of_range',
      'over_temperature@lighting-controller': 'over_temperature',
      'communication_loss@lighting-controller': null,
      'uplink_loss@parking-spot': null,
      'low_pressure@boiler-room': 'low_pressure',
      'flame_fault@boiler-room': 'flame_fault',
      'unoccupied_heating@boiler-room': null,
      'sensor_stuck@co2-sensor': null,
      'sensor_stuck@air-station': null,
      'sensor_stuck@parking-spot': 'sensor_stuck',
      'sensor_stuck@car-park': 'sensor_stuck',
      'sensor_drift@co2-sensor': 'sensor_drift',
      'sensor_drift@air-station': 'sensor_drift',
    });
  });
});

describe('communication_loss in a stream', () => {
  it('the device publishes nothing until the repair, then reconnects', () => {
    const lamp = lampsOf(lighting)[0]!;
    const rows = run(lighting, [{ type: 'communication_loss', at: AT, until: UNTIL, devices: [lamp.id] }], { channels: ['telemetry', 'event', 'status'] });
    const mine = rows.filter((r) => r.id === lamp.id);
    expect(mine.filter((r) => r.ts >= AT && r.ts < UNTIL)).toEqual([]);
    expect(mine.filter((r) => r.ts < AT).length).toBeGreaterThan(100);
    const back = mine.filter((r) => r.ts >= UNTIL);
    expect(back.length).toBeGreaterThan(100);
    expect(back[0]!.channel).toBe('status');
    expect(back[0]!.body).toMatchObject({ online: true, reason: 'reconnect' });
    // The others keep reporting; nobody claims the fault (a silent device cannot).
    for (const d of lighting.devices.filter((x) => x !== lamp)) expect(telemetry(rows, d.id, AT, UNTIL).length).toBeGreaterThan(250);
    expect(faultEvents(rows)).toEqual([]);
  });

  it('applies to every device type; a fleet silenced for good ends the stream', () => {
    const rows = run(others, [{ type: 'communication_loss', at: AT, until: UNTIL, share: 0.5 }]);
    const chosen = new FaultPlan([{ type: 'communication_loss', at: AT, until: UNTIL, share: 0.5 }], others, 7).faults[0]!.devices;
    expect(chosen.length).toBe(Math.round(others.devices.length / 2));
    for (const d of others.devices) {
      const inWindow = rows.filter((r) => r.id === d.id && r.ts >= AT && r.ts < UNTIL).length;
      if (chosen.includes(d.id)) expect(inWindow).toBe(0);
      else expect(inWindow).toBeGreaterThan(250);
    }
    const forever = [...messages(others, { seed: 1, startMs: START, stepMs: 1_000, faults: [{ type: 'communication_loss', at: START + 10_000 }] })];
    expect(forever.length).toBe(10);
  });
});

describe('uplink_loss in a stream', () => {
  it('drops the device’s uplinks while it lasts but their numbers go on: the gaps in its seq are exactly `lost`', () => {
    const lamp = lampsOf(lighting)[2]!;
    const n = lighting.devices.length;
    // Six hours of rounds from two hours before the loss; compared up to five hours (the lossy stream runs a little further for the same count).
    const options = { seed: 5, startMs: AT - 2 * HOUR, stepMs: EVERY / n, count: n * 6 * 6, channels: ['telemetry', 'event', 'status', 'ack'] as const };
    const cut = AT + 3 * HOUR;
    const stream = new FleetStream(lighting, { ...options, faults: [{ type: 'uplink_loss', at: AT, until: AT + HOUR, devices: [lamp.id] }] });
    const heard = [...stream.messages()].filter((m) => m.ts < cut);
    const plain = [...messages(lighting, options)].filter((m) => m.ts < cut);
    const numbers = (ms: typeof heard, id: string, keep: (ts: number) => boolean = () => true) => ms.filter((m) => m.device.id === id && m.seq >= 0 && keep(m.ts)).map((m) => m.seq);
    const inLoss = (ts: number) => ts >= AT && ts < AT + HOUR;

    const mine = numbers(heard, lamp.id);
    const gaps = mine.slice(1).reduce((sum, seq, i) => sum + seq - mine[i]! - 1, 0);
    expect(stream.lost).toBeGreaterThanOrEqual(5);
    expect(gaps).toBe(stream.lost);
    // It sent what it would have sent: the plain stream's uplinks, less those of the loss.
    expect(numbers(plain, lamp.id, inLoss)).toHaveLength(stream.lost);
    expect(mine).toEqual(numbers(plain, lamp.id, (ts) => !inLoss(ts)));
    // The others are not touched, and nobody reports the fault.
    for (const d of lighting.devices.filter((x) => x !== lamp)) expect(numbers(heard, d.id)).toEqual(numbers(plain, d.id));
    expect(heard.filter((m) => m.channel === 'event' && m.payload.includes('uplink_loss'))).toEqual([]);
  });
});

describe('messages() with faults', () => {
  const all: FaultSpec[] = FAULT_TYPES.filter((t) => t !== 'communication_loss').map((type, i) => ({ type, at: AT + i * 10 * MIN, until: UNTIL, share: 0.5 }));
  const fleet: Fleet = { seed: 'both', devices: [...lighting.devices, ...others.devices] };
  const digest = (faults: FaultSpec[] | undefined) => {
    const h = createHash('sha256');
    for (const m of messages(fleet, { seed: 3, count: 20_000, startMs: START, stepMs: 10_000, channels: ['telemetry', 'event', 'status', 'ack'], faults })) h.update(m.topic).update(m.payload);
    return h.digest('hex');
  };

  it('keeps every payload valid with every fault at once, on every channel', () => {
    const rows = run(fleet, [...all, { type: 'communication_loss', at: AT, until: AT + 6 * HOUR, share: 0.2 }], { channels: ['telemetry', 'event', 'status', 'ack'] });
    expect(rows.length).toBeGreaterThan(10_000);
    expect(faultEvents(rows).length).toBeGreaterThan(10);
  });

  it('is byte-identical for the same seed and faults; no faults is the plain stream', () => {
    expect(digest(all)).toBe(digest(all));
    expect(digest(all)).not.toBe(digest(undefined));
    expect(digest([])).toBe(digest(undefined));
  });
});
