import { DEVICE_TYPES, type DeviceCommand } from '@hv/contracts';
import type { Environment } from '../env/environment';
import type { ActiveFault, FaultSource, FaultType } from '../faults';
import type { SimDevice } from '../fleet';
import { Random, type Seed } from '../random';

/** An uplink body without `ts` and `seq`, which DeviceSim stamps. */
export type Body = Record<string, unknown>;
export type AckStatus = 'ok' | 'rejected' | 'failed' | 'expired';

/**
 * The physics of one device. State advances with the timestamps it is asked about
 * (they must not go backwards for counters to stay monotonic; a repeat is harmless).
 * Every draw comes from the device's own seeded stream, so a device's output does not
 * depend on how the stream interleaves the fleet.
 */
export abstract class DeviceModel {
  protected readonly rng: Random;
  /** Time of the last state update, epoch ms; undefined before the first. */
  protected lastTs: number | undefined;
  /** Active fault code, raised and cleared by events. */
  protected fault: string | null = null;
  /** Reporting interval, s (set by `set_interval`). */
  intervalS: number;
  /** Injected faults (faults.ts: FaultPlan), consulted at each reading; null: none. */
  faults: FaultSource | null = null;

  constructor(
    readonly device: SimDevice,
    protected readonly env: Environment,
    seed: Seed,
  ) {
    this.rng = new Random(seed, 'model', device.id);
    this.intervalS = DEVICE_TYPES[device.type].expectedIntervalS;
  }

  /** Telemetry fields at `ts` (valid under TELEMETRY_SCHEMAS[type] once stamped). */
  abstract telemetry(ts: number): Body;
  /** A state change or fault at `ts` (valid under EVENT_SCHEMAS[domain] once stamped). */
  abstract event(ts: number): Body;

  /** Reported state carried by acks (lighting: on, level; heating: mode, setpoint). */
  reported(_ts: number): Body {
    return {};
  }

  /**
   * Applies a command the platform sent; returns the ack status. The base handles the
   * maintenance commands every domain takes; subclasses handle their domain's own.
   */
  apply(cmd: DeviceCommand, ts: number): AckStatus {
    if (cmd.expires_at !== undefined && cmd.expires_at < ts) return 'expired';
    if (!('action' in cmd)) return 'rejected';
    if (cmd.action === 'set_interval') {
      if (cmd.interval_s === undefined) return 'rejected';
      this.intervalS = cmd.interval_s;
    }
    return 'ok';
  }

  /** Seconds since the last update (0 the first time, or when time went backwards). */
  protected advance(ts: number): number {
    const dt = this.lastTs === undefined ? 0 : Math.max(0, (ts - this.lastTs) / 1000);
    if (this.lastTs === undefined || ts > this.lastTs) this.lastTs = ts;
    return dt;
  }

  /** Raise one of `codes` (with its value, if any), or clear the active fault. */
  protected faultEvent(codes: readonly string[], valueOf: (code: string) => number | undefined = () => undefined): Body {
    if (this.fault !== null) {
      const code = this.fault;
      this.fault = null;
      return { event: 'fault_cleared', code };
    }
    const code = this.rng.pick(codes);
    this.fault = code;
    const value = valueOf(code);
    return value === undefined ? { event: 'fault_raised', code } : { event: 'fault_raised', code, value };
  }

  /** The injected fault of this type active at `ts`, if any. */
  protected injected(type: FaultType, ts: number): ActiveFault | undefined {
    return this.faults?.activeFaults(this.device.id, ts).find((f) => f.type === type);
  }

  /** Whether `code` is the device's own fault, or an injected fault active at `ts`. */
  protected hasFault(code: string, ts: number): boolean {
    return this.fault === code || (this.faults !== null && this.faults.activeFaults(this.device.id, ts).some((f) => f.type === code));
  }

  protected num(key: string, fallback: number): number {
    const v = this.device.attributes[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  }

  protected str<T extends string>(key: string, fallback: T): T {
    const v = this.device.attributes[key];
    return typeof v === 'string' ? (v as T) : fallback;
  }

  protected bool(key: string, fallback: boolean): boolean {
    const v = this.device.attributes[key];
    return typeof v === 'boolean' ? v : fallback;
  }

  protected get lat(): number {
    return this.num('lat', 49.5641);
  }

  protected get lon(): number {
    return this.num('lon', 3.6199);
  }
}

export const round0 = (x: number): number => Math.round(x);
export const round1 = (x: number): number => Math.round(x * 10) / 10;
export const round2 = (x: number): number => Math.round(x * 100) / 100;
/** First-order approach of `value` to `target` over `dtS` seconds with time constant `tauS`. */
export const relax = (value: number, target: number, dtS: number, tauS: number): number =>
  target + (value - target) * Math.exp(-dtS / tauS);
