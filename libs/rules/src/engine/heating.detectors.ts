import { above, addHourly, below, hourlyMean, num, type Detection, type Detector } from './detection';

const HOUR_MS = 3_600_000;
/** ≈ 7 % of heating energy per °C of room temperature (DOMAIN.md, ADEME). */
const ENERGY_PER_DEGREE = 0.07;

/** Heating curve (loi d'eau, slope 1.0): −10 °C → 70 °C, 0 → 55, +10 → 40, shifted by the setpoint. */
export function heatingCurveC(outdoorC: number, setpointC = 19): number {
  return Math.min(80, Math.max(25, 55 - 1.5 * outdoorC + 1.5 * (setpointC - 19)));
}

/**
 * Boiler room: circuit pressure (lock-out below ≈ 1 bar), flow against the heating curve
 * while the burner runs, and the energy-saving findings of the Code de l'énergie:
 * R241-26 (19 °C on average when occupied), R241-27 (16 °C after 24 h unoccupied, 8 °C
 * after 48 h), and the burner running while the last 24 h averaged above 16 °C outdoors.
 */
export const boilerRoomDetectors: Detector = (body, ts, { config, memory }) => {
  const out: Detection[] = [];
  const pressure = num(body, 'pressure_bar');
  if (pressure !== undefined) {
    out.push({ type: 'low_pressure', verdict: below(pressure, config.low_pressure.below_bar, config.low_pressure.clear_bar), value: pressure });
    out.push({ type: 'high_pressure', verdict: above(pressure, config.high_pressure.above_bar, config.high_pressure.clear_bar), value: pressure });
  }
  const flow = num(body, 'flow_c');
  const outdoor = num(body, 'outdoor_c');
  const room = num(body, 'room_c');
  const gas = num(body, 'gas_kwh');
  const burner = body.burner_on === true;
  const setpoint = num(body, 'setpoint_c');

  if (flow !== undefined && outdoor !== undefined) {
    if (burner) {
      const deviation = Math.abs(flow - heatingCurveC(outdoor, setpoint));
      out.push({ type: 'heating_curve_deviation', verdict: above(deviation, config.heating_curve_deviation.deviation_c, config.heating_curve_deviation.clear_c), value: Math.round(deviation * 10) / 10 });
    }
    addHourly(memory, 'out', ts, outdoor, 24);
  }

  if (burner) memory.lastBurner = ts;
  const gasMeter = gas !== undefined ? { meterKwh: gas, carrier: 'gas' as const } : {};
  if (room !== undefined && typeof body.occupied === 'boolean') {
    if (body.occupied) memory.lastOccupied = ts;
    memory.firstSeen ??= ts;
    const occ = config.overheating_occupied;
    if (body.occupied) {
      const excess = room - occ.limit_c;
      out.push({ type: 'overheating_occupied', verdict: excess > occ.tolerance_c ? 'bad' : excess <= 0 ? 'good' : 'hold', value: room, ...gasMeter, wasteShare: Math.min(1, Math.max(0, excess) * ENERGY_PER_DEGREE) });
      out.push({ type: 'unoccupied_heating', verdict: 'good' });
    } else {
      out.push({ type: 'overheating_occupied', verdict: 'good' });
      // Unoccupied since the last occupied reading (or since we started watching).
      const emptyFor = ts - ((memory.lastOccupied as number | undefined) ?? (memory.firstSeen as number));
      const u = config.unoccupied_heating;
      const limit = emptyFor >= 48 * HOUR_MS ? u.after_48h_c : emptyFor >= 24 * HOUR_MS ? u.after_24h_c : undefined;
      // Heating means the burner runs: a warm building cooling down over a weekend wastes nothing.
      const heating = burner || ts - ((memory.lastBurner as number | undefined) ?? Number.NEGATIVE_INFINITY) < HOUR_MS;
      if (limit === undefined) out.push({ type: 'unoccupied_heating', verdict: 'good' });
      else {
        const excess = room - limit;
        const verdict = excess > u.tolerance_c && heating ? 'bad' : excess <= 0 || !heating ? 'good' : 'hold';
        out.push({ type: 'unoccupied_heating', verdict, value: room, ...gasMeter, wasteShare: Math.min(1, Math.max(0, excess) * ENERGY_PER_DEGREE) });
      }
    }
  }

  const outdoorMean = hourlyMean(memory, 'out');
  if (outdoorMean.hours >= 18) {
    const mild = config.mild_weather_heating.daily_mean_above_c;
    const sinceBurner = ts - ((memory.lastBurner as number | undefined) ?? Number.NEGATIVE_INFINITY);
    const verdict = outdoorMean.mean > mild && sinceBurner < HOUR_MS ? 'bad' : outdoorMean.mean < mild - 1 || sinceBurner > 6 * HOUR_MS ? 'good' : 'hold';
    out.push({ type: 'mild_weather_heating', verdict, value: Math.round(outdoorMean.mean * 10) / 10, ...gasMeter });
  }
  return out;
};
