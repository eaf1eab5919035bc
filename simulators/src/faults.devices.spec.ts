import { describe, expect, it } from 'vitest';
import { MIN, HOUR, AT, UNTIL, type Row, others, first, run, telemetry, before, during, after, faultEvents, expectRaisedAndCleared } from './testing/fault-runs';

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
    // Normally: reduced (16 °C) when empty, frost protection (8 °C) after 48 h, comfort 2 h before occupants come back.
    const normal = empty([...before(rows, boiler.id), ...after(rows, boiler.id)]).filter((r) => r.body.setpoint_c !== 19);
    expect(normal.length).toBeGreaterThan(100);
    expect(normal.every((r) => r.body.setpoint_c === 16 || r.body.setpoint_c === 8)).toBe(true);
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
