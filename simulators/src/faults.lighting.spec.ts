import { describe, expect, it } from 'vitest';
import { FaultPlan, POWER_HIGH_DRIFT, POWER_DRIFT_PER_H, type FaultSpec } from './faults';
import { HOUR, AT, UNTIL, type Row, lighting, lampsOf, cabinetsOf, run, telemetry, before, during, after, faultEvents, expectRaisedAndCleared, dark, nominalW } from './testing/fault-runs';

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
