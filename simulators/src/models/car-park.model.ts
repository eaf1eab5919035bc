import type { Environment } from '../env/environment';
import { clamp } from '../env/environment';
import { parisTime, type LocalTime } from '../env/time';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { DeviceModel, relax, type Body } from './device-model';

type Profile = 'commuter' | 'shopping' | 'station';

/** Occupancy rate the car park tends to at this time (0–1). */
function targetRate(profile: Profile, t: LocalTime): number {
  const h = t.hour;
  const bell = (centre: number, width: number) => Math.exp(-((h - centre) ** 2) / (2 * width * width));
  const sunday = t.weekday === 0;
  const saturday = t.weekday === 6;
  switch (profile) {
    case 'commuter':
    case 'station': {
      if (sunday || saturday) return 0.1 + 0.2 * bell(14, 3);
      // Fills from 07:00, full-ish 09:00–16:30, empties by 19:00 (saturation above 90 %).
      const day = 1 / (1 + Math.exp(-(h - 8) * 2.5)) - 1 / (1 + Math.exp(-(h - 17.5) * 2));
      return 0.08 + (profile === 'station' ? 0.88 : 0.8) * day;
    }
    case 'shopping':
      if (sunday) return 0.05 + 0.15 * bell(11, 1.5);
      return 0.05 + (saturday ? 0.9 : 0.55) * bell(15, 3.2);
  }
}

/** Off-street car park counter: occupied follows the profile with inertia; never above capacity. */
export class CarParkModel extends DeviceModel {
  private readonly capacity: number;
  private readonly profile: Profile;
  private occupied: number | undefined;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.capacity = Math.max(1, Math.round(this.num('capacity', 200)));
    this.profile = this.str<Profile>('profile', 'commuter');
  }

  telemetry(ts: number): Body {
    const dtS = this.advance(ts);
    const target = this.capacity * clamp(targetRate(this.profile, parisTime(ts)), 0, 1);
    const current = this.occupied ?? target;
    // ≈ 20 min to follow the demand, plus arrivals and departures that do not cancel out.
    const next = relax(current, target, dtS, 1_200) + this.rng.normal(0, Math.sqrt(this.capacity) * 0.15);
    this.occupied = Math.round(clamp(this.fault === 'sensor_fault' || this.injected('sensor_stuck', ts) ? current : next, 0, this.capacity));
    return { occupied: this.occupied, capacity: this.capacity };
  }

  event(_ts: number): Body {
    return this.faultEvent(['sensor_fault']);
  }
}
