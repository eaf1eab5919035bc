import type { DeviceCommand } from '@hv/contracts';
import type { Environment } from '../env/environment';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { DeviceModel, type AckStatus, type Body } from './device-model';
import { policyOf, programLevel, type LightingPolicy, type Override } from './lighting-program';

/** What luminaire controllers and cabinets share: the program, overrides and their acks. */
export abstract class LightingDeviceModel extends DeviceModel {
  protected readonly policy: LightingPolicy;
  protected override_: Override | null = null;
  /** Faults that keep the output where it is whatever the program says. */
  protected stuckFaults: readonly string[] = ['relay_failure'];
  /** Level actually applied at the last update, %. */
  protected level = 0;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.policy = policyOf(device.attributes);
  }

  /**
   * The level the device is at: where a stuck relay left it; full while it burns by day;
   * else an unexpired override, else its program. A day burner is a stuck photocell or a
   * welded contactor (TALQ LampMonitor), so no command puts the lamp out.
   */
  protected targetLevel(ts: number): number {
    if (this.stuck()) return this.level;
    if (this.hasFault('day_burner', ts)) return 100;
    if (this.override_ && ts < this.override_.untilMs) return this.override_.levelPct;
    this.override_ = null;
    return programLevel(ts, this.lat, this.lon, this.policy);
  }

  override reported(ts: number): Body {
    const level = this.targetLevel(ts);
    return { on: level > 0, level_pct: level };
  }

  override apply(cmd: DeviceCommand, ts: number): AckStatus {
    if (!('level_pct' in cmd)) return super.apply(cmd, ts);
    if (cmd.expires_at !== undefined && cmd.expires_at < ts) return 'expired';
    // The output does not answer the command: the device says so and keeps its state.
    if (this.stuck() || this.hasFault('day_burner', ts)) return 'failed';
    // TALQ override: held until its expiry, or until the next command when it has none.
    this.override_ = { levelPct: cmd.level_pct, untilMs: cmd.expires_at ?? Number.POSITIVE_INFINITY };
    this.level = cmd.level_pct;
    return 'ok';
  }

  /** Whether one of its own faults holds the output where it is. */
  private stuck(): boolean {
    return this.fault !== null && this.stuckFaults.includes(this.fault);
  }

  /** `switched` event with the state the device is in now. */
  protected switchedEvent(ts: number): Body {
    const level = this.targetLevel(ts);
    this.level = level;
    return { event: 'switched', on: level > 0, level_pct: level };
  }
}
