import type { Environment } from '../env/environment';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { round1, type Body } from './device-model';
import { LightingDeviceModel } from './lighting-device.model';

const CABINET_FAULTS = ['supply_loss', 'voltage_out_of_range', 'relay_failure'] as const;

/**
 * Lighting cabinet (armoire): three phases feeding its luminaires, which follow the same
 * program, so its load is their rated load × level. A supply loss takes everything down.
 */
export class LightingCabinetModel extends LightingDeviceModel {
  private readonly loadW: number;
  private readonly ownW: number;
  private readonly shares: [number, number, number];
  private readonly phaseBiasV: [number, number, number];
  private energyWh: number;
  private powerW = 0;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.loadW = this.num('connected_load_w', 1_500);
    this.ownW = this.num('own_consumption_w', 6);
    const s = device.attributes.phase_share;
    this.shares = Array.isArray(s) && s.length === 3 && s.every((x) => typeof x === 'number') ? (s as [number, number, number]) : [1 / 3, 1 / 3, 1 / 3];
    this.phaseBiasV = [this.rng.normal(0, 1.5), this.rng.normal(0, 1.5), this.rng.normal(0, 1.5)];
    // A few years of service: ≈ 4,100 burning hours a year at ≈ 80 % mean level.
    this.energyWh = this.loadW * 4_100 * 0.8 * this.rng.uniform(2, 12);
  }

  telemetry(ts: number): Body {
    const dtS = this.advance(ts);
    const supplyOk = !this.hasFault('supply_loss', ts);
    const level = supplyOk ? this.targetLevel(ts) : 0;
    this.level = level;
    const previousW = this.powerW;
    const power = supplyOk ? this.ownW + this.loadW * (level / 100) * (1 + this.rng.normal(0, 0.005)) : 0;
    this.powerW = power;
    this.energyWh += ((previousW + power) / 2) * (dtS / 3600);
    const volts = (i: 0 | 1 | 2) => {
      if (!supplyOk) return 0;
      if (i === 0 && this.hasFault('voltage_out_of_range', ts)) return this.rng.uniform(190, 197);
      return 231 + this.phaseBiasV[i] + this.rng.normal(0, 0.8);
    };
    return {
      supply_ok: supplyOk,
      power_w: round1(power),
      energy_wh: round1(this.energyWh),
      l1_voltage_v: round1(volts(0)),
      l2_voltage_v: round1(volts(1)),
      l3_voltage_v: round1(volts(2)),
      l1_power_w: round1(power * this.shares[0]),
      l2_power_w: round1(power * this.shares[1]),
      l3_power_w: round1(power * this.shares[2]),
      door_open: this.rng.chance(0.002), // a technician's visit
    };
  }

  event(ts: number): Body {
    if (this.fault !== null) return this.faultEvent(CABINET_FAULTS); // clears it
    if (this.rng.chance(0.6)) return this.switchedEvent(ts);
    return this.faultEvent(CABINET_FAULTS, (code) => (code === 'voltage_out_of_range' ? round1(this.rng.uniform(190, 197)) : undefined));
  }
}
