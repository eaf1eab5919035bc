import type { DeviceCommand } from '@hv/contracts';
import { buildingOccupied, clamp, type BuildingUse, type Environment } from '../env/environment';
import { parisTime } from '@hv/civil-time';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { DeviceModel, relax, round0, round1, round2, type AckStatus, type Body } from './device-model';

const HEATING_FAULTS = ['flame_fault', 'high_temperature', 'low_pressure', 'high_pressure', 'sensor_fault'] as const;
type Mode = 'comfort' | 'eco' | 'frost' | 'off' | 'auto';

/** Code de l'énergie R241-26 (19 °C occupied) and R241-27 (16 °C unoccupied), frost protection 8 °C. */
const SETPOINT_C: Record<Exclude<Mode, 'auto' | 'off'>, number> = { comfort: 19, eco: 16, frost: 8 };
/** Burner stops once the daily mean outdoor temperature exceeds this, °C (DOMAIN.md, derived). */
const CUTOFF_DAILY_MEAN_C = 16;
const HOUR_MS = 3_600_000;
/** Optimised start: comfort this long before occupants arrive. */
const PREHEAT_MS = 2 * HOUR_MS;
/** R241-27: beyond 48 h unoccupied, 8 °C. */
const LONG_ABSENCE_MS = 48 * HOUR_MS;
/** Boiler efficiency on gas PCS (condensing boilers ≈ 0.9–0.95). */
const EFFICIENCY = 0.92;
/** Room time constants, s: heating up with the burner on, cooling down with it off. */
const TAU_HEAT_S = 1.5 * 3600;
const TAU_COOL_S = 30 * 3600;
/** Flow water time constant, s: a few minutes to come up to temperature. */
const FLOW_TAU_S = 240;
/** The boiler locks out below this circuit pressure, bar (DOMAIN.md). */
const LOCKOUT_BAR = 1;
/** A leaking circuit falls towards this pressure, bar, with this time constant, ms. */
const LEAK_FLOOR_BAR = 0.6;
const LEAK_TAU_MS = 10 * 60_000;

/**
 * Boiler room of a public building. Flow temperature follows the heating curve (loi
 * d'eau, slope 1.0: −10 °C → 70 °C, 0 °C → 55 °C, +10 °C → 40 °C, shifted with the room
 * setpoint), the room relaxes towards its setpoint, gas and heat meters integrate the
 * burner's modulation.
 */
export class BoilerRoomModel extends DeviceModel {
  private readonly use: BuildingUse;
  private readonly ratedKw: number;
  private readonly nominalBar: number;
  private readonly nightSetback: boolean;
  private readonly summerCutoff: boolean;
  private mode: Mode = 'auto';
  private manualSetpointC: number | undefined;
  private roomC: number | undefined;
  private flowC = 30;
  private gasKwh: number;
  private heatKwh: number;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.use = this.str<BuildingUse>('use', 'school');
    this.ratedKw = this.num('rated_kw', 90);
    this.nominalBar = this.num('nominal_pressure_bar', 1.4);
    this.nightSetback = this.bool('night_setback', true);
    this.summerCutoff = this.bool('summer_cutoff', true);
    this.gasKwh = this.ratedKw * 1_200 * this.rng.uniform(1, 8); // ≈ 1,200 full-load hours a year
    this.heatKwh = this.gasKwh * EFFICIENCY;
  }

  /**
   * The regulator's setpoint in `auto`: comfort when occupied, and from PREHEAT_MS before
   * occupants arrive (optimised start); reduced (eco, 16 °C) when unoccupied; frost
   * protection (8 °C) once the building has been empty for 48 h (R241-27).
   */
  private setpoint(occupied: boolean, ts: number): number {
    if (this.manualSetpointC !== undefined) return this.manualSetpointC;
    if (this.mode === 'comfort' || this.mode === 'eco' || this.mode === 'frost') return SETPOINT_C[this.mode];
    if (occupied || !this.nightSetback) return SETPOINT_C.comfort;
    const t = parisTime(ts + PREHEAT_MS);
    if (buildingOccupied(this.use, t)) return SETPOINT_C.comfort;
    return this.emptyForMs(ts) >= LONG_ABSENCE_MS ? SETPOINT_C.frost : SETPOINT_C.eco;
  }

  /** How long the building has been empty at `ts`, by its schedule (hour steps, up to LONG_ABSENCE_MS). */
  private emptyForMs(ts: number): number {
    for (let back = HOUR_MS; back <= LONG_ABSENCE_MS; back += HOUR_MS) {
      if (buildingOccupied(this.use, parisTime(ts - back))) return back - HOUR_MS;
    }
    return LONG_ABSENCE_MS;
  }

  telemetry(ts: number): Body {
    const dtS = this.advance(ts);
    const t = parisTime(ts);
    const outdoor = this.env.outdoorC(ts, t);
    const occupied = buildingOccupied(this.use, t);
    // Injected scheduling fault: the building is heated as if occupied, day and night.
    const setpoint = this.setpoint(occupied || this.injected('unoccupied_heating', ts) !== undefined, ts);
    this.roomC ??= setpoint + this.rng.normal(0, 0.3);

    const season = !this.summerCutoff || this.env.dailyMeanC(ts) < CUTOFF_DAILY_MEAN_C;
    // Injected leak: the circuit pressure falls towards LEAK_FLOOR_BAR; the boiler locks out below LOCKOUT_BAR.
    const leak = this.injected('low_pressure', ts);
    const leakBar = leak ? LEAK_FLOOR_BAR + (this.nominalBar - LEAK_FLOOR_BAR) * Math.exp(-(ts - leak.at) / LEAK_TAU_MS) : undefined;
    const lockedOut =
      this.hasFault('flame_fault', ts) || this.fault === 'low_pressure' || (leakBar !== undefined && leakBar < LOCKOUT_BAR);
    // Burner runs while the room is below its setpoint (0.5 °C hysteresis).
    const demand = season && this.mode !== 'off' && !lockedOut && this.roomC < setpoint + 0.5;
    const curveC = clamp(55 - 1.5 * outdoor + 1.5 * (setpoint - 19), 25, 80);
    const modulation = demand ? clamp(20 + (curveC - 30) * 1.6 + this.rng.normal(0, 4), 10, 100) : 0;

    const flowTarget = demand ? curveC : this.roomC + 4;
    this.flowC = dtS > 0 ? relax(this.flowC, flowTarget, dtS, FLOW_TAU_S) : flowTarget;
    if (this.fault === 'high_temperature') this.flowC = this.rng.uniform(92, 97);
    const flow = this.flowC + this.rng.normal(0, 0.4);
    const ret = demand ? flow - (6 + 12 * (modulation / 100)) + this.rng.normal(0, 0.4) : flow - 1.5;

    const roomTarget = demand ? setpoint + 0.3 : outdoor + 3; // building gains keep it above outdoor
    this.roomC = relax(this.roomC, roomTarget, dtS, demand ? TAU_HEAT_S : TAU_COOL_S);

    const heatKw = this.ratedKw * (modulation / 100);
    this.heatKwh += heatKw * (dtS / 3600);
    this.gasKwh += (heatKw / EFFICIENCY) * (dtS / 3600);

    let pressure = this.nominalBar + 0.1 * ((this.flowC - 40) / 40) + this.rng.normal(0, 0.015);
    if (this.fault === 'low_pressure') pressure = this.rng.uniform(0.6, 0.95);
    else if (leakBar !== undefined) pressure += leakBar - this.nominalBar;
    if (this.fault === 'high_pressure') pressure = this.rng.uniform(3.0, 3.4);

    return {
      flow_c: round1(clamp(flow, -20, 120)),
      return_c: round1(clamp(ret, -20, 120)),
      pressure_bar: round2(clamp(pressure, 0, 10)),
      burner_on: modulation > 0,
      modulation_pct: round0(modulation),
      outdoor_c: round1(clamp(outdoor, -50, 60)),
      room_c: round1(clamp(this.roomC + this.rng.normal(0, 0.1), -20, 60)),
      setpoint_c: setpoint,
      occupied,
      gas_kwh: round1(this.gasKwh),
      heat_kwh: round1(this.heatKwh),
    };
  }

  event(_ts: number): Body {
    return this.faultEvent(HEATING_FAULTS, (code) => {
      switch (code) {
        case 'low_pressure':
          return round2(this.rng.uniform(0.6, 0.95));
        case 'high_pressure':
          return round2(this.rng.uniform(3.0, 3.4));
        case 'high_temperature':
          return round1(this.rng.uniform(92, 97));
        default:
          return undefined;
      }
    });
  }

  override reported(ts: number): Body {
    const occupied = this.lastTs !== undefined && buildingOccupied(this.use, parisTime(this.lastTs));
    return this.mode === 'off' ? { mode: 'off' } : { mode: this.mode, setpoint_c: this.setpoint(occupied, ts) };
  }

  override apply(cmd: DeviceCommand, ts: number): AckStatus {
    if (!('mode' in cmd)) return super.apply(cmd, ts);
    if (cmd.expires_at !== undefined && cmd.expires_at < ts) return 'expired';
    this.mode = cmd.mode;
    this.manualSetpointC = cmd.mode === 'off' || cmd.mode === 'auto' ? undefined : cmd.setpoint_c;
    return 'ok';
  }
}
