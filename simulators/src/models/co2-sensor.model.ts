import { buildingOccupied, clamp, type BuildingUse, type Environment } from '../env/environment';
import { parisTime } from '@hv/civil-time';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { CO2_DRIFT_MAX_PPM, CO2_DRIFT_PPM_PER_H } from '../faults';
import { DeviceModel, relax, round0, round1, type Body } from './device-model';

const CO2_FAULTS = ['sensor_fault', 'sensor_drift', 'battery_low'] as const;

/** Outdoor CO2, ppm. */
const OUTDOOR_PPM = 420;
/** CO2 exhaled by a seated pupil, m³/h (≈ 0.005 L/s). */
const CO2_PER_PERSON_M3H = 0.018;
/** NDIR sensor range (décrets 2022-1689/1690): 0–5,000 ppm. */
const SENSOR_MAX_PPM = 5_000;

/**
 * Indoor CO2 in a classroom (mass balance, single well-mixed zone):
 *   dC/dt = n·G/V − λ·(C − C_out)
 * solved exactly between samples, so the curve rises during lessons towards
 * C_out + n·G/(λ·V) (≈ 900–2,500 ppm) and decays during breaks and at night.
 */
export class Co2SensorModel extends DeviceModel {
  private readonly use: BuildingUse;
  private readonly volumeM3: number;
  private readonly occupants: number;
  private readonly airChangesPerH: number;
  private ppm = OUTDOOR_PPM + 30;
  private batteryPct: number;
  private lastPpm: number | undefined;
  private stuckPpm: number | undefined;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.use = this.str<BuildingUse>('use', 'school');
    this.volumeM3 = this.num('volume_m3', 180);
    this.occupants = this.num('occupants', 25);
    this.airChangesPerH = this.num('air_changes_per_h', 1.5);
    this.batteryPct = this.rng.uniform(40, 100);
  }

  telemetry(ts: number): Body {
    const dtS = this.advance(ts);
    const t = parisTime(ts);
    // A class may be out (sports, trip): occupied 95 % of scheduled time.
    const occupied = buildingOccupied(this.use, t) && this.rng.chance(0.95);
    const n = occupied ? this.occupants : 0;
    const steady = OUTDOOR_PPM + ((n * CO2_PER_PERSON_M3H) / (this.airChangesPerH * this.volumeM3)) * 1e6;
    this.ppm = relax(this.ppm, steady, dtS, 3_600 / this.airChangesPerH);
    this.batteryPct = Math.max(0, this.batteryPct - dtS / (86_400 * 30)); // ≈ 1 % a month

    const injectedDrift = this.injected('sensor_drift', ts);
    const drift =
      (this.fault === 'sensor_drift' ? 250 : 0) +
      (injectedDrift ? Math.min(CO2_DRIFT_MAX_PPM, (CO2_DRIFT_PPM_PER_H * (ts - injectedDrift.at)) / 3_600_000) : 0);
    const outdoor = this.env.outdoorC(ts, t);
    const room = occupied ? 20.5 + this.rng.normal(0, 0.4) : clamp(17 + 0.15 * outdoor, 12, 26);
    let co2 = round0(clamp(this.ppm + drift + this.rng.normal(0, 15), 0, SENSOR_MAX_PPM));
    // A stuck NDIR cell repeats the last value it read.
    if (this.injected('sensor_stuck', ts)) co2 = this.stuckPpm ??= this.lastPpm ?? co2;
    else this.stuckPpm = undefined;
    this.lastPpm = co2;
    return {
      co2_ppm: co2,
      temp_c: round1(clamp(room, -20, 60)),
      rh_pct: round0(clamp(38 + 0.004 * (this.ppm - OUTDOOR_PPM) + this.rng.normal(0, 2), 0, 100)),
      occupied,
    };
  }

  event(_ts: number): Body {
    return this.faultEvent(CO2_FAULTS, (code) => (code === 'battery_low' ? round0(Math.min(this.batteryPct, 15)) : undefined));
  }
}
