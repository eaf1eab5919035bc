import { createHash } from 'node:crypto';
import { uplinkSchema, type DeviceType, type UplinkChannel } from '@hv/contracts';
import { describe, expect, it } from 'vitest';
import { isDark } from './env/sun';
import { FAULT_TARGETS, FAULT_TYPES, FaultPlan, POWER_HIGH_DRIFT, POWER_DRIFT_PER_H, faultEventCode, type FaultSpec, type FaultType } from './faults';
import { lightingFleet, mixedFleet, type Fleet, type SimDevice } from './fleet';
import { messages } from './stream';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 15 December 2025, noon UTC: a school week in the heating season. */
const START = Date.parse('2025-12-15T12:00:00Z');
const AT = START + 24 * HOUR; // Tuesday noon
const UNTIL = AT + 48 * HOUR; // Thursday noon
const END = UNTIL + 48 * HOUR; // Saturday noon
/** Every device reports every EVERY ms. */
const EVERY = 10 * MIN;

type Body = Record<string, any>;
interface Row {
  ts: number;
  id: string;
  device: SimDevice;
  channel: UplinkChannel;
  body: Body;
}

const lighting = lightingFleet({ seed: 'faults', tenant: '02408', controllers: 12, cabinets: 2 });
const lampsOf = (fleet: Fleet, cabinet?: string) => fleet.devices.filter((d) => d.type === 'lighting-controller' && (cabinet === undefined || d.cabinet === cabinet));
const cabinetsOf = (fleet: Fleet) => fleet.devices.filter((d) => d.type === 'lighting-cabinet');

/** Boilers in school buildings with a night setback, CO2 and air sensors, spots and a car park. */
const others: Fleet = (() => {
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
const first = (fleet: Fleet, type: DeviceType, i = 0) => fleet.devices.filter((d) => d.type === type)[i]!;

interface RunOptions {
  channels?: UplinkChannel[];
  start?: number;
  end?: number;
}

/**
 * The stream of `fleet` with `faults` from `start` to `end`, every device reporting every
 * EVERY ms; every payload is checked against the contract on the way.
 */
function run(fleet: Fleet, faults: FaultSpec[] | undefined, options: RunOptions = {}): Row[] {
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

const telemetry = (rows: Row[], id: string, from = -Infinity, to = Infinity) =>
  rows.filter((r) => r.id === id && r.channel === 'telemetry' && r.ts >= from && r.ts < to);
const before = (rows: Row[], id: string) => telemetry(rows, id, -Infinity, AT);
const during = (rows: Row[], id: string, settleMs = 0) => telemetry(rows, id, AT + settleMs, UNTIL);
const after = (rows: Row[], id: string, settleMs = 0) => telemetry(rows, id, UNTIL + settleMs);
const faultEvents = (rows: Row[], id?: string) =>
  rows.filter((r) => r.channel === 'event' && (id === undefined || r.id === id) && String(r.body.event).startsWith('fault_'));

/** The device raised `code` on its first turn at or after `raiseAt` and cleared it on its first turn at or after `clearAt`. */
function expectRaisedAndCleared(rows: Row[], id: string, code: string, raiseAt = AT, clearAt = UNTIL): void {
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

const dark = (r: Row) => isDark(r.ts, r.device.attributes.lat as number, r.device.attributes.lon as number);
/** Nominal power at the reported level, W. */
const nominalW = (r: Row) => (r.device.attributes.rated_power_w as number) * (r.body.level_pct / 100) * (r.device.attributes.loss_factor as number);

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

describe('lighting faults in a stream', () => {
  const lamps = lampsOf(lighting);

  it('lamp_failure: power < 10 % of rated while on, only between the failure and the relamping', () => {
    const lamp = lamps[2]!;
    const rows = run(lighting, [{ type: 'lamp_failure', at: AT, until: UNTIL, devices: [lamp.id] }]);
    const rated = lamp.attributes.rated_power_w as number;
    const failed = (r: Row) => r.body.on && r.body.level_pct > 0 && r.body.power_w < 0.1 * rated;
    const lit = during(rows, lamp.id).filter((r) => r.body.on && r.body.level_pct > 0);
    expect(lit.length).toBeGreaterThan(100);
    expect(lit.every(failed)).toBe(true);
    for (const r of [...before(rows, lamp.id), ...after(rows, lamp.id)]) expect(failed(r), JSON.stringify(r.body)).toBe(false);
    expect(before(rows, lamp.id).filter((r) => r.body.on).length).toBeGreaterThan(50);
    expect(after(rows, lamp.id).filter((r) => r.body.on).length).toBeGreaterThan(50);
    for (const other of lamps.filter((d) => d !== lamp)) expect(telemetry(rows, other.id).some(failed)).toBe(false);
    expectRaisedAndCleared(rows, lamp.id, 'lamp_failure');
    expect(faultEvents(rows).every((e) => e.id === lamp.id)).toBe(true);
  });

  it('day_burner: on and drawing power in daylight', () => {
    const lamp = lamps[5]!;
    const rows = run(lighting, [{ type: 'day_burner', at: AT, until: UNTIL, devices: [lamp.id] }]);
    const burning = (r: Row) => !dark(r) && r.body.on && r.body.power_w > 0;
    const daylight = during(rows, lamp.id).filter((r) => !dark(r));
    expect(daylight.length).toBeGreaterThan(50);
    expect(daylight.every(burning)).toBe(true);
    expect(before(rows, lamp.id).some(burning)).toBe(false);
    expect(after(rows, lamp.id).some(burning)).toBe(false);
    expect(before(rows, lamp.id).some((r) => !dark(r))).toBe(true);
    expectRaisedAndCleared(rows, lamp.id, 'day_burner');
  });

  it('cycling: switches off and on again many times in one night', () => {
    const lamp = lamps[7]!;
    const rows = run(lighting, [{ type: 'cycling', at: AT, until: UNTIL, devices: [lamp.id] }]);
    /** Times the lamp went out while its program kept it on (dark, before the night reduction at 22:00 Paris). */
    const dropouts = (rs: Row[]) => {
      let n = 0;
      for (let i = 1; i < rs.length; i++) {
        const h = new Date(rs[i]!.ts).getUTCHours();
        if (dark(rs[i]!) && h >= 16 && h < 21 && rs[i - 1]!.body.on && !rs[i]!.body.on) n++;
      }
      return n;
    };
    expect(dropouts(during(rows, lamp.id))).toBeGreaterThanOrEqual(6);
    expect(dropouts(before(rows, lamp.id))).toBe(0);
    expect(dropouts(after(rows, lamp.id))).toBe(0);
    const count = (rs: Row[]) => rs.at(-1)!.body.switch_count - rs[0]!.body.switch_count;
    expect(count(during(rows, lamp.id))).toBeGreaterThan(10);
    expect(count(before(rows, lamp.id))).toBeLessThanOrEqual(2);
    expectRaisedAndCleared(rows, lamp.id, 'cycling');
  });

  it('power_drift: power drifts up against rated × level, power_high once past the threshold', () => {
    const lamp = lamps[1]!;
    const rows = run(lighting, [{ type: 'power_drift', at: AT, until: UNTIL, devices: [lamp.id] }]);
    const ratio = (rs: Row[]) => rs.filter((r) => r.body.on).map((r) => r.body.power_w / nominalW(r));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const x of [...ratio(before(rows, lamp.id)), ...ratio(after(rows, lamp.id))]) expect(Math.abs(x - 1)).toBeLessThan(0.06);
    const firstNight = ratio(telemetry(rows, lamp.id, AT, AT + 24 * HOUR));
    const secondNight = ratio(telemetry(rows, lamp.id, AT + 24 * HOUR, UNTIL));
    expect(mean(secondNight)).toBeGreaterThan(mean(firstNight) + 0.15);
    expect(Math.max(...secondNight)).toBeGreaterThan(1.35);
    expect(ratio(after(rows, lamp.id)).length).toBeGreaterThan(50);
    expectRaisedAndCleared(rows, lamp.id, 'power_high', AT + (POWER_HIGH_DRIFT / POWER_DRIFT_PER_H) * HOUR);
  });

  it('supply_loss: the cabinet reports no supply and every lamp behind it is dark at 0 W', () => {
    const [cab, otherCab] = cabinetsOf(lighting);
    const rows = run(lighting, [{ type: 'supply_loss', at: AT, until: UNTIL, devices: [cab!.id] }]);
    const behind = lampsOf(lighting, cab!.id);
    const elsewhere = lampsOf(lighting, otherCab!.id);
    expect(behind.length).toBeGreaterThan(0);
    expect(during(rows, cab!.id).every((r) => r.body.supply_ok === false && r.body.power_w === 0)).toBe(true);
    expect([...before(rows, cab!.id), ...after(rows, cab!.id)].every((r) => r.body.supply_ok === true)).toBe(true);
    for (const lamp of behind) {
      const dur = during(rows, lamp.id);
      expect(dur.length).toBeGreaterThan(250);
      for (const r of dur) expect(r.body).toMatchObject({ on: false, power_w: 0, voltage_v: 0, current_ma: 0 });
      // Lit at night before the loss and after the repair.
      expect(before(rows, lamp.id).filter(dark).some((r) => r.body.power_w > 0)).toBe(true);
      expect(after(rows, lamp.id).filter(dark).some((r) => r.body.power_w > 0)).toBe(true);
    }
    for (const lamp of elsewhere) expect(during(rows, lamp.id).filter(dark).some((r) => r.body.power_w > 0)).toBe(true);
    // Every dark night reading of the cabinet's lamps at 0 W: what explains them all is the cabinet.
    const nightReadings = behind.flatMap((l) => during(rows, l.id).filter(dark));
    expect(nightReadings.length).toBeGreaterThan(100);
    expect(nightReadings.every((r) => r.body.power_w === 0)).toBe(true);
    expectRaisedAndCleared(rows, cab!.id, 'supply_loss');
    expect(faultEvents(rows).every((e) => e.id === cab!.id)).toBe(true);
  });

  it('voltage_out_of_range: controller and cabinet voltages outside 198–253 V', () => {
    const lamp = lamps[4]!;
    const cab = cabinetsOf(lighting)[1]!;
    const rows = run(lighting, [{ type: 'voltage_out_of_range', at: AT, until: UNTIL, devices: [lamp.id, cab.id] }]);
    const out = (v: number) => v < 198 || v > 253;
    const clear = (v: number) => v >= 205 && v <= 245;
    expect(during(rows, lamp.id).every((r) => out(r.body.voltage_v))).toBe(true);
    expect(during(rows, cab.id).every((r) => out(r.body.l1_voltage_v))).toBe(true);
    for (const r of [...before(rows, lamp.id), ...after(rows, lamp.id)]) expect(clear(r.body.voltage_v)).toBe(true);
    for (const r of [...before(rows, cab.id), ...after(rows, cab.id)]) expect(clear(r.body.l1_voltage_v)).toBe(true);
    expectRaisedAndCleared(rows, lamp.id, 'voltage_out_of_range');
    expectRaisedAndCleared(rows, cab.id, 'voltage_out_of_range');
  });

  it('over_temperature: controller above the 70 °C warning, back under 60 °C after', () => {
    const lamp = lamps[9]!;
    const rows = run(lighting, [{ type: 'over_temperature', at: AT, until: UNTIL, devices: [lamp.id] }]);
    expect(during(rows, lamp.id).every((r) => r.body.temp_c > 70)).toBe(true);
    expect([...before(rows, lamp.id), ...after(rows, lamp.id)].every((r) => r.body.temp_c < 60)).toBe(true);
    expectRaisedAndCleared(rows, lamp.id, 'over_temperature');
  });

  it('share: a deterministic subset of the lamps fails, and only those', () => {
    const spec: FaultSpec = { type: 'lamp_failure', at: AT, until: UNTIL, share: 0.5 };
    const chosen = new FaultPlan([spec], lighting, 7).faults[0]!.devices; // the stream plans with its seed
    expect(chosen).toHaveLength(6);
    const rows = run(lighting, [spec]);
    for (const lamp of lamps) {
      const rated = lamp.attributes.rated_power_w as number;
      const failing = during(rows, lamp.id).some((r) => r.body.on && r.body.power_w < 0.1 * rated);
      expect(failing, lamp.id).toBe(chosen.includes(lamp.id));
    }
    expect(new Set(faultEvents(rows).map((e) => e.id))).toEqual(new Set(chosen));
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

describe('heating faults in a stream', () => {
  const boiler = first(others, 'boiler-room');

  it('low_pressure: the pressure falls below 1 bar and the burner locks out; refilled on repair', () => {
    const rows = run(others, [{ type: 'low_pressure', at: AT, until: UNTIL, devices: [boiler.id] }]);
    const dur = during(rows, boiler.id, 30 * MIN);
    expect(dur.length).toBeGreaterThan(250);
    expect(dur.every((r) => r.body.pressure_bar < 1 && r.body.burner_on === false && r.body.modulation_pct === 0)).toBe(true);
    expect([...before(rows, boiler.id), ...after(rows, boiler.id)].every((r) => r.body.pressure_bar >= 1.05)).toBe(true);
    expect(after(rows, boiler.id).some((r) => r.body.burner_on)).toBe(true);
    expectRaisedAndCleared(rows, boiler.id, 'low_pressure');
  });

  it('flame_fault: burner off despite demand, the flow temperature falls', () => {
    const rows = run(others, [{ type: 'flame_fault', at: AT, until: UNTIL, devices: [boiler.id] }]);
    const dur = during(rows, boiler.id);
    expect(dur.every((r) => r.body.burner_on === false && r.body.modulation_pct === 0)).toBe(true);
    // Demand unmet: the room falls below its setpoint while the burner stays off.
    expect(dur.some((r) => r.body.room_c < r.body.setpoint_c - 1)).toBe(true);
    expect(during(rows, boiler.id, HOUR).every((r) => r.body.flow_c < 35)).toBe(true);
    expect(before(rows, boiler.id).some((r) => r.body.burner_on && r.body.flow_c > 40)).toBe(true);
    expect(after(rows, boiler.id, 2 * HOUR).some((r) => r.body.burner_on && r.body.flow_c > 40)).toBe(true);
    expectRaisedAndCleared(rows, boiler.id, 'flame_fault');
  });

  it('unoccupied_heating: the empty building is held at the comfort setpoint', () => {
    const rows = run(others, [{ type: 'unoccupied_heating', at: AT, until: UNTIL, devices: [boiler.id] }]);
    const empty = (rs: Row[]) => rs.filter((r) => r.body.occupied === false);
    const mean = (rs: Row[]) => rs.reduce((a, r) => a + r.body.room_c, 0) / rs.length;
    const dur = empty(during(rows, boiler.id, 3 * HOUR));
    expect(dur.length).toBeGreaterThan(150);
    expect(dur.every((r) => r.body.setpoint_c === 19 && r.body.room_c >= 18.5)).toBe(true);
    expect(dur.some((r) => r.body.burner_on)).toBe(true);
    const normal = empty([...before(rows, boiler.id), ...after(rows, boiler.id)]);
    expect(normal.every((r) => r.body.setpoint_c === 16)).toBe(true);
    expect(mean(dur)).toBeGreaterThan(mean(normal) + 1);
    expect(faultEvents(rows)).toEqual([]); // the contract has no code: the platform finds it
  });
});

describe('sensor faults in a stream', () => {
  /** The same fleet and seed without the fault: a co-located reference sensor. */
  const reference = run(others, undefined, { channels: ['telemetry'] });
  const longestRun = (values: unknown[]) => {
    let best = 0;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      n = i > 0 && JSON.stringify(values[i]) === JSON.stringify(values[i - 1]) ? n + 1 : 1;
      best = Math.max(best, n);
    }
    return best;
  };

  it('sensor_stuck (CO2): the same ppm reading after reading', () => {
    const co2 = first(others, 'co2-sensor');
    const rows = run(others, [{ type: 'sensor_stuck', at: AT, until: UNTIL, devices: [co2.id] }]);
    const dur = during(rows, co2.id).map((r) => r.body.co2_ppm);
    expect(dur.length).toBeGreaterThan(250);
    expect(new Set(dur).size).toBe(1);
    expect(longestRun(before(rows, co2.id).map((r) => r.body.co2_ppm))).toBeLessThan(10);
    expect(longestRun(after(rows, co2.id).map((r) => r.body.co2_ppm))).toBeLessThan(10);
    expect(faultEvents(rows)).toEqual([]); // no sensor_stuck code in the air contract
  });

  it('sensor_stuck (air station): every pollutant frozen', () => {
    const station = first(others, 'air-station');
    const rows = run(others, [{ type: 'sensor_stuck', at: AT, until: UNTIL, devices: [station.id] }]);
    const pollutants = (r: Row) => [r.body.pm25_ugm3, r.body.pm10_ugm3, r.body.no2_ugm3, r.body.o3_ugm3, r.body.so2_ugm3];
    const dur = during(rows, station.id).map(pollutants);
    expect(dur.length).toBeGreaterThan(250);
    expect(longestRun(dur)).toBe(dur.length);
    expect(longestRun(before(rows, station.id).map(pollutants))).toBeLessThan(5);
    expect(longestRun(after(rows, station.id).map(pollutants))).toBeLessThan(5);
  });

  it('sensor_stuck (parking spot): occupancy frozen while the street moves on', () => {
    const spots = others.devices.filter((d) => d.type === 'parking-spot');
    const rows = run(others, [{ type: 'sensor_stuck', at: AT, until: UNTIL, devices: spots.map((d) => d.id) }]);
    const changes = (rs: Row[]) => rs.filter((r, i) => i > 0 && r.body.occupied !== rs[i - 1]!.body.occupied).length;
    for (const spot of spots) {
      expect(new Set(during(rows, spot.id).map((r) => r.body.occupied)).size).toBe(1);
      expectRaisedAndCleared(rows, spot.id, 'sensor_stuck');
    }
    // The reference spots changed state in the same window, and so do the faulted ones before and after.
    expect(spots.reduce((n, s) => n + changes(during(reference, s.id)), 0)).toBeGreaterThan(5);
    expect(spots.reduce((n, s) => n + changes(before(rows, s.id)) + changes(after(rows, s.id)), 0)).toBeGreaterThan(5);
  });

  it('sensor_stuck (car park): the counter stops counting', () => {
    const park = first(others, 'car-park');
    const rows = run(others, [{ type: 'sensor_stuck', at: AT, until: UNTIL, devices: [park.id] }]);
    expect(new Set(during(rows, park.id).map((r) => r.body.occupied)).size).toBe(1);
    expect(new Set(before(rows, park.id).map((r) => r.body.occupied)).size).toBeGreaterThan(10);
    expect(new Set(after(rows, park.id).map((r) => r.body.occupied)).size).toBeGreaterThan(10);
    expectRaisedAndCleared(rows, park.id, 'sensor_stuck');
  });

  it('sensor_drift (CO2): the reading drifts away from a reference, back to it after recalibration', () => {
    const co2 = first(others, 'co2-sensor');
    const rows = run(others, [{ type: 'sensor_drift', at: AT, until: UNTIL, devices: [co2.id] }], { channels: ['telemetry'] });
    const diff = (rs: Row[]) => {
      const ref = new Map(telemetry(reference, co2.id).map((r) => [r.ts, r.body.co2_ppm as number]));
      return rs.map((r) => r.body.co2_ppm - ref.get(r.ts)!);
    };
    expect(diff(before(rows, co2.id)).every((d) => d === 0)).toBe(true);
    expect(diff(after(rows, co2.id)).every((d) => d === 0)).toBe(true);
    const d1 = diff(telemetry(rows, co2.id, AT + 6 * HOUR, AT + 7 * HOUR));
    const d2 = diff(telemetry(rows, co2.id, UNTIL - HOUR, UNTIL));
    expect(Math.min(...d1)).toBeGreaterThan(40);
    expect(Math.min(...d2)).toBeGreaterThan(400);
    // The empty classroom at night reads far above outdoor air (420 ppm).
    const night = telemetry(rows, co2.id, UNTIL - 10 * HOUR, UNTIL - 7 * HOUR).map((r) => r.body.co2_ppm);
    const nightBefore = telemetry(rows, co2.id, AT - 10 * HOUR, AT - 7 * HOUR).map((r) => r.body.co2_ppm);
    expect(Math.min(...night)).toBeGreaterThan(700);
    expect(Math.max(...nightBefore)).toBeLessThan(600);
    expectRaisedAndCleared(run(others, [{ type: 'sensor_drift', at: AT, until: UNTIL, devices: [co2.id] }]), co2.id, 'sensor_drift');
  });

  it('sensor_drift (air station): particle readings drift up against a reference', () => {
    const station = first(others, 'air-station');
    const rows = run(others, [{ type: 'sensor_drift', at: AT, until: UNTIL, devices: [station.id] }], { channels: ['telemetry'] });
    const ref = new Map(telemetry(reference, station.id).map((r) => [r.ts, r.body]));
    const ratio = (r: Row) => r.body.pm10_ugm3 / ref.get(r.ts)!.pm10_ugm3;
    for (const r of [...before(rows, station.id), ...after(rows, station.id)]) expect(r.body).toEqual(ref.get(r.ts));
    expect(telemetry(rows, station.id, AT + 36 * HOUR, UNTIL).every((r) => ratio(r) > 1.6)).toBe(true);
    expect(telemetry(rows, station.id, AT, AT + HOUR).every((r) => ratio(r) < 1.1)).toBe(true);
    // NO2 and O3 come from other cells: they still agree with the reference.
    expect(during(rows, station.id).every((r) => r.body.no2_ugm3 === ref.get(r.ts)!.no2_ugm3)).toBe(true);
    expectRaisedAndCleared(run(others, [{ type: 'sensor_drift', at: AT, until: UNTIL, devices: [station.id] }]), station.id, 'sensor_drift');
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
