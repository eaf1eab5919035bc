import { sunAltitudeDeg } from '@hv/lighting';
import { above, attr, num, type Detection, type Detector } from './detection';

/** Below this supply voltage there is no mains at all, rather than a voltage out of range. */
const NO_SUPPLY_V = 100;
/** Apparent sunset: the sun's centre 0.833° below the horizon. */
const SUNSET_ALTITUDE_DEG = -0.833;
/** Below this level the power is too small to judge a lamp by. */
const MIN_JUDGED_LEVEL_PCT = 10;

/**
 * What a luminaire is assumed to be when its registry entry does not say: a 60 W lamp
 * (rated_power_w), with driver losses of ≈ 6 % for LED and ballast losses of ≈ 12 % for
 * high-pressure sodium (`technology: hps`; DOMAIN.md: +10–15 %) unless `loss_factor` is given.
 */
export const LUMINAIRE_DEFAULTS = { ratedPowerW: 60, lossFactor: { led: 1.06, hps: 1.12 } } as const;

/** The power a luminaire draws at full output, W: rated power × driver or ballast losses. */
export function fullOutputW(attributes: Record<string, unknown>): number {
  const n = (key: string, fallback: number) => (typeof attributes[key] === 'number' && Number.isFinite(attributes[key]) ? (attributes[key] as number) : fallback);
  const loss = attributes.technology === 'hps' ? LUMINAIRE_DEFAULTS.lossFactor.hps : LUMINAIRE_DEFAULTS.lossFactor.led;
  return n('rated_power_w', LUMINAIRE_DEFAULTS.ratedPowerW) * n('loss_factor', loss);
}

/**
 * Luminaire controller: lamp failure and power drift against the power expected for the
 * reported level (rated power × level × driver losses), day burner against the sun,
 * lit outside its program, cycling from the switch-on counter, supply voltage and
 * controller temperature with hysteresis (DOMAIN.md thresholds, configurable).
 */
export const lightingControllerDetectors: Detector = (body, ts, { device, config, memory, expectedLevelPct }) => {
  const out: Detection[] = [];
  const on = body.on === true;
  const level = num(body, 'level_pct') ?? 0;
  const power = num(body, 'power_w') ?? 0;
  const expectedW = (fullOutputW(device.attributes) * level) / 100;
  const lit = on && level > 0;

  const voltage = num(body, 'voltage_v');
  const lat = attr(device, 'lat', 49.564);
  const lon = attr(device, 'lon', 3.62);
  const altitude = sunAltitudeDeg(ts, lat, lon);
  // No mains at the luminaire (a cabinet lost its supply, a cut cable): at night it cannot
  // light, which is a lamp failure to the street; the cabinet's supply loss explains it.
  const unpowered = voltage !== undefined && voltage < NO_SUPPLY_V;
  if (unpowered && altitude < SUNSET_ALTITUDE_DEG) out.push({ type: 'lamp_failure', verdict: 'bad', value: voltage });
  else if (lit && level >= MIN_JUDGED_LEVEL_PCT) {
    const ratio = power / expectedW;
    const failure = config.lamp_failure;
    out.push({ type: 'lamp_failure', verdict: ratio < failure.below_ratio ? 'bad' : ratio >= failure.clear_ratio ? 'good' : 'hold', value: power });
    // A failed lamp has no drift to speak of.
    if (ratio >= failure.clear_ratio) out.push({ type: 'power_drift', verdict: above(Math.abs(ratio - 1), config.power_drift.raise_ratio, config.power_drift.clear_ratio), value: Math.round(ratio * 100) / 100 });
  } else if (!on) {
    out.push({ type: 'lamp_failure', verdict: 'good' });
  }

  const programOn = expectedLevelPct !== undefined && expectedLevelPct > 0;
  if (lit && altitude > config.day_burner.min_sun_altitude_deg && !programOn) out.push({ type: 'day_burner', verdict: 'bad', value: power });
  else if (!lit || altitude < 0) out.push({ type: 'day_burner', verdict: 'good' });

  const energyKwh = (num(body, 'energy_wh') ?? Number.NaN) / 1000;
  if (expectedLevelPct !== undefined && altitude <= config.day_burner.min_sun_altitude_deg) {
    const wasting = lit && expectedLevelPct === 0 && power > 0;
    out.push({ type: 'lit_outside_program', verdict: wasting ? 'bad' : 'good', value: power, ...(Number.isFinite(energyKwh) ? { meterKwh: energyKwh, carrier: 'electricity' as const } : {}) });
  }

  const switches = num(body, 'switch_count');
  if (switches !== undefined) {
    // Switch-on counter history over the window: ts and count pairs.
    const window = config.cycling.window_s * 1000;
    const allTimes = (memory.sw_t as number[] | undefined) ?? [];
    const allCounts = (memory.sw_c as number[] | undefined) ?? [];
    const keep = allTimes.findIndex((t) => t > ts - window);
    const times = keep === -1 ? [] : allTimes.slice(keep);
    const counts = keep === -1 ? [] : allCounts.slice(keep);
    times.push(ts);
    counts.push(switches);
    memory.sw_t = times;
    memory.sw_c = counts;
    const increase = counts.at(-1)! - counts[0]!;
    out.push({ type: 'cycling', verdict: increase >= config.cycling.switch_ons ? 'bad' : increase === 0 ? 'good' : 'hold', value: increase });
  }

  if (voltage !== undefined && !unpowered) out.push(voltageVerdict(voltage, config));

  const temp = num(body, 'temp_c');
  if (temp !== undefined) {
    const t = config.over_temperature;
    out.push({ type: 'over_temperature', verdict: above(temp, t.warning_c, t.clear_c), value: temp, severity: temp > t.critical_c ? 'critical' : 'minor' });
  }
  return out;
};

/** Lighting cabinet: mains supply and phase voltages. */
export const lightingCabinetDetectors: Detector = (body, _ts, { config }) => {
  const out: Detection[] = [];
  if (typeof body.supply_ok === 'boolean') out.push({ type: 'supply_loss', verdict: body.supply_ok ? 'good' : 'bad' });
  // Phase voltages only mean something while the supply is there.
  if (body.supply_ok !== false) {
    const phases = ['l1_voltage_v', 'l2_voltage_v', 'l3_voltage_v'].map((k) => num(body, k)).filter((v): v is number => v !== undefined && v > 0);
    if (phases.length) {
      const low = Math.min(...phases);
      const high = Math.max(...phases);
      const worst = Math.abs(low - 230) > Math.abs(high - 230) ? low : high;
      out.push(voltageVerdict(worst, config));
    }
  }
  return out;
};

function voltageVerdict(v: number, config: Parameters<Detector>[2]['config']): Detection {
  const r = config.voltage_out_of_range;
  const verdict = v < r.low_v || v > r.high_v ? 'bad' : v >= r.clear_low_v && v <= r.clear_high_v ? 'good' : 'hold';
  return { type: 'voltage_out_of_range', verdict, value: v };
}
