import { LIGHTING_FAULT_CODES } from '@hv/contracts';
import type { Environment } from '../env/environment';
import { powerDrift } from '../faults';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { round0, round1, round2, type Body } from './device-model';
import { LightingDeviceModel } from './lighting-device.model';

/** Faults a luminaire controller reports itself: the cabinet reports a supply loss, and a silent controller cannot say it is silent. */
const CONTROLLER_FAULTS = LIGHTING_FAULT_CODES.filter((c) => c !== 'supply_loss' && c !== 'communication_loss');

/** Yearly burning hours of a street light in northern France (≈ 4,100 h from dusk to dawn). */
const HOURS_PER_YEAR = 4_100;
/** Sodium lamps are replaced after this many burning hours. */
const SODIUM_RELAMP_H = 16_000;
/** What a failed lamp's controller still draws while switched on, W. */
const FAILED_LAMP_W = 1.2;

/**
 * Luminaire controller: power ≈ rated × level × driver/ballast losses; energy, burning
 * hours and switch-ons are cumulative (DEVICE-CONTRACT.md, telemetry lighting-controller).
 */
export class LightingControllerModel extends LightingDeviceModel {
  private readonly ratedW: number;
  private readonly lossFactor: number;
  private readonly led: boolean;
  private readonly pfFull: number;
  private readonly voltageBiasV: number;
  private energyWh = 0;
  private hoursH = 0;
  private switchCount = 0;
  private powerW = 0;
  private on = false;
  private started = false;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.ratedW = this.num('rated_power_w', 60);
    this.led = this.str('technology', 'led') === 'led';
    this.lossFactor = this.num('loss_factor', this.led ? 1.06 : 1.12);
    this.pfFull = this.led ? this.rng.uniform(0.95, 0.98) : this.rng.uniform(0.85, 0.92);
    this.voltageBiasV = this.rng.normal(0, 2);
  }

  /** Counters start where years of service since `installed` left them. */
  private start(ts: number): void {
    this.started = true;
    const installed = Date.parse(`${this.str('installed', '2018-01-01')}T00:00:00Z`);
    const years = Math.max(0.1, (ts - (Number.isFinite(installed) ? installed : ts)) / (365.25 * 86_400_000));
    const burning = this.policy.night_mode === 'off' ? 0.55 : 1; // share of the night the lamp burns
    const meanLevel = this.policy.night_mode === 'dim' ? 0.75 : 1; // mean level while it burns
    const burnedH = HOURS_PER_YEAR * years * burning * this.rng.uniform(0.95, 1.05);
    this.energyWh = this.ratedW * this.lossFactor * burnedH * meanLevel;
    // Lamp hours restart at each relamping: sodium lamps last 15,000–20,000 h (DOMAIN.md).
    this.hoursH = this.led ? burnedH : burnedH % SODIUM_RELAMP_H;
    this.switchCount = Math.round(365.25 * years * (this.policy.night_mode === 'off' ? 2 : 1));
  }

  telemetry(ts: number): Body {
    if (!this.started) this.start(ts);
    const dtS = this.advance(ts);
    const wasOn = this.on;
    const previousW = this.powerW;
    let level = this.targetLevel(ts);
    if (this.hasFault('cycling', ts) && level > 0 && this.rng.chance(0.5)) level = 0; // end-of-life sodium: off and on again
    this.level = level;
    // Its cabinet lost the mains: the lamp is dark whatever it was told (the controller
    // keeps reporting on its backup supply, with no voltage).
    const supplyLost = this.injected('supply_loss', ts) !== undefined;
    if (supplyLost) level = 0;
    this.on = level > 0;
    if (this.on && !wasOn) this.switchCount++;

    let power = this.on ? this.ratedW * (level / 100) * this.lossFactor * (1 + this.rng.normal(0, 0.01)) : 0;
    if (this.on && this.hasFault('lamp_failure', ts)) power = FAILED_LAMP_W;
    if (this.on && this.fault === 'power_low') power *= 0.6;
    if (this.on && this.fault === 'power_high') power *= 1.35;
    const drift = this.injected('power_drift', ts);
    if (this.on && drift) power *= 1 + powerDrift(ts - drift.at);
    this.powerW = power;
    // Trapezoidal integration between two reports; a switch in between is not seen.
    this.energyWh += ((previousW + power) / 2) * (dtS / 3600);
    if (wasOn && this.on) this.hoursH += dtS / 3600;

    const voltage = supplyLost ? 0 : this.voltage(ts);
    const pf = this.pfFull - 0.08 * (1 - level / 100);
    const outdoor = this.env.outdoorC(ts);
    const selfHeating = this.on ? 6 + 12 * (level / 100) : 2;
    const temp = this.hasFault('over_temperature', ts) ? this.rng.uniform(72, 88) : outdoor + selfHeating + this.rng.normal(0, 0.3);
    const body: Body = {
      on: this.on,
      level_pct: level,
      power_w: round1(power),
      energy_wh: round1(this.energyWh),
      voltage_v: round1(voltage),
      current_ma: this.on && voltage > 0 ? round0((power / (voltage * pf)) * 1000) : 0,
    };
    if (this.on) body.power_factor = round2(pf);
    body.temp_c = round1(temp);
    body.hours_h = round1(this.hoursH);
    body.switch_count = this.switchCount;
    return body;
  }

  event(ts: number): Body {
    if (this.fault !== null && this.rng.chance(0.6)) return this.faultEvent(CONTROLLER_FAULTS);
    const r = this.rng.next();
    if (r < 0.35) return this.switchedEvent(ts);
    if (r < 0.6 || this.fault !== null) return { event: 'presence' };
    return this.faultEvent(CONTROLLER_FAULTS, (code) => {
      switch (code) {
        case 'power_high':
          return round1(this.ratedW * this.lossFactor * 1.35);
        case 'power_low':
          return round1(this.ratedW * this.lossFactor * 0.6);
        case 'voltage_out_of_range':
          return round1(this.rng.chance(0.5) ? this.rng.uniform(185, 197) : this.rng.uniform(254, 262));
        case 'over_temperature':
          return round1(this.rng.uniform(71, 88));
        default:
          return undefined;
      }
    });
  }

  /** Supply voltage, V: 230 V ± 10 % (EN 50160), or outside it during a voltage fault. */
  private voltage(ts: number): number {
    if (this.hasFault('voltage_out_of_range', ts)) return this.rng.chance(0.5) ? this.rng.uniform(185, 197) : this.rng.uniform(254, 262);
    return 231 + this.voltageBiasV + this.rng.normal(0, 1.2);
  }
}
