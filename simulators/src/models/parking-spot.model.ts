import type { Environment } from '../env/environment';
import { isWeekend, parisTime } from '@hv/civil-time';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { DeviceModel, round0, type Body } from './device-model';

const SPOT_FAULTS = ['sensor_fault', 'sensor_stuck', 'battery_low'] as const;
/** Beyond this gap the occupancy process restarts instead of replaying every arrival. */
const MAX_REPLAY_MS = 7 * 86_400_000;

/**
 * On-street parking spot (magnetometer): an alternating renewal process of stays and
 * vacancies. Daytime stays are short (median 40 min, some overstaying the blue zone's
 * 1 h 30), evening arrivals are residents who stay the night; vacancies are short in
 * business hours and long at night.
 */
export class ParkingSpotModel extends DeviceModel {
  private occupied = false;
  private nextChangeMs: number | undefined;
  private batteryPct: number;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.occupied = this.rng.chance(0.5);
    this.batteryPct = this.rng.uniform(55, 100);
  }

  /** Duration of the state that starts at `ts`, ms. */
  private holdMs(ts: number, occupied: boolean): number {
    const t = parisTime(ts);
    const business = !isWeekend(t) ? t.hour >= 8 && t.hour < 19 : t.hour >= 10 && t.hour < 18;
    if (occupied) {
      const evening = t.hour >= 18 || t.hour < 6;
      return (evening ? this.rng.logNormal(10 * 3600, 0.4) : this.rng.logNormal(40 * 60, 0.8)) * 1000;
    }
    return this.rng.exponential(business ? 12 * 60 : 3 * 3600) * 1000;
  }

  /** Plays the arrivals and departures up to `ts`. */
  private advanceTo(ts: number): void {
    if (this.nextChangeMs === undefined || ts - this.nextChangeMs > MAX_REPLAY_MS) {
      this.nextChangeMs = ts + this.holdMs(ts, this.occupied) * this.rng.next();
    }
    while (this.nextChangeMs <= ts) {
      this.occupied = !this.occupied;
      this.nextChangeMs += Math.max(60_000, this.holdMs(this.nextChangeMs, this.occupied));
    }
  }

  telemetry(ts: number): Body {
    const dtS = this.advance(ts);
    if (!this.hasFault('sensor_stuck', ts)) this.advanceTo(ts);
    this.batteryPct = Math.max(0, this.batteryPct - dtS / (86_400 * 60)); // ≈ 0.5 % a month
    return { occupied: this.occupied, battery_pct: round0(this.batteryPct) };
  }

  /** Mostly a car arriving or leaving now; sometimes a fault. */
  event(ts: number): Body {
    this.advance(ts);
    // An injected stuck sensor sees no car come or go: it repeats the state it is stuck in.
    if (this.injected('sensor_stuck', ts)) return { event: this.occupied ? 'occupied' : 'free' };
    if (this.fault !== null || this.rng.chance(0.06)) {
      return this.faultEvent(SPOT_FAULTS, (code) => (code === 'battery_low' ? round0(Math.min(this.batteryPct, 10)) : undefined));
    }
    // The change happens now: the renewal process restarts from here. (Changes that a
    // heartbeat plays out between events are the ones whose events this stream lacks.)
    this.occupied = !this.occupied;
    this.nextChangeMs = ts + Math.max(60_000, this.holdMs(ts, this.occupied));
    return { event: this.occupied ? 'occupied' : 'free' };
  }
}
