import {
  AIR_FAULT_CODES,
  HEATING_FAULT_CODES,
  LIGHTING_FAULT_CODES,
  PARKING_FAULT_CODES,
  type DeviceType,
  type Domain,
} from '@hv/contracts';
import type { Fleet, SimDevice } from './fleet';
import { Random, type Seed } from './random';

/**
 * Faults a scenario can inject into a fleet, each ended by its repair (`until`). The
 * models consult the plan at every reading, so the telemetry carries the signature a
 * telegestion system detects; where the domain contract has an event code for the fault,
 * the device also reports `fault_raised` when it starts and `fault_cleared` on repair.
 */
export const FAULT_TYPES = [
  // Public lighting (DOMAIN.md fault catalogue)
  'lamp_failure',
  'day_burner',
  'cycling',
  'power_drift',
  'supply_loss',
  'voltage_out_of_range',
  'over_temperature',
  'communication_loss',
  // Radio (any device): uplinks sent, numbered, and never heard, so the platform sees gaps in `seq`
  'uplink_loss',
  // Chaufferies
  'low_pressure',
  'flame_fault',
  'unoccupied_heating',
  // Sensors (air, CO2, parking)
  'sensor_stuck',
  'sensor_drift',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

const ALL_TYPES: readonly DeviceType[] = ['lighting-controller', 'lighting-cabinet', 'boiler-room', 'air-station', 'co2-sensor', 'parking-spot', 'car-park'];

/** Device types each fault applies to. A cabinet's supply loss also darkens the luminaires it feeds. */
export const FAULT_TARGETS: Readonly<Record<FaultType, readonly DeviceType[]>> = {
  lamp_failure: ['lighting-controller'],
  day_burner: ['lighting-controller'],
  cycling: ['lighting-controller'],
  power_drift: ['lighting-controller'],
  supply_loss: ['lighting-cabinet'],
  voltage_out_of_range: ['lighting-controller', 'lighting-cabinet'],
  over_temperature: ['lighting-controller'],
  communication_loss: ALL_TYPES,
  uplink_loss: ALL_TYPES,
  low_pressure: ['boiler-room'],
  flame_fault: ['boiler-room'],
  unoccupied_heating: ['boiler-room'],
  sensor_stuck: ['air-station', 'co2-sensor', 'parking-spot', 'car-park'],
  sensor_drift: ['air-station', 'co2-sensor'],
};

const DOMAIN_CODES: Readonly<Record<Domain, readonly string[]>> = {
  lighting: LIGHTING_FAULT_CODES,
  heating: HEATING_FAULT_CODES,
  air: AIR_FAULT_CODES,
  parking: PARKING_FAULT_CODES,
};

/**
 * Event code a device reports for a fault, when its domain contract has one. A power
 * drift is reported as `power_high` once it crosses POWER_HIGH_DRIFT. Communication and
 * uplink loss are never self-reported (the device does not know it is unheard; the
 * platform sees the silence, or the gap in its numbers), nor
 * are a stuck air sensor and heating an empty building (the contract has no code: the
 * platform infers them from the telemetry).
 */
export function faultEventCode(type: FaultType, device: Pick<SimDevice, 'domain'>): string | null {
  if (type === 'communication_loss' || type === 'uplink_loss') return null;
  const code = type === 'power_drift' ? 'power_high' : type;
  return DOMAIN_CODES[device.domain].includes(code) ? code : null;
}

/** Power drift: extra power as a share of the nominal, per hour since the fault started. */
export const POWER_DRIFT_PER_H = 0.01;
/** Power drift stops growing at this extra share. */
export const POWER_DRIFT_MAX = 0.6;
/** Extra share at which the controller raises `power_high`. */
export const POWER_HIGH_DRIFT = 0.2;
/** CO2 sensor drift, ppm per hour since the fault started (NDIR baseline drift), and its cap. */
export const CO2_DRIFT_PPM_PER_H = 10;
export const CO2_DRIFT_MAX_PPM = 1_500;
/** Particle counter drift: extra share per hour since the fault started, and its cap. */
export const PM_DRIFT_PER_H = 0.02;
export const PM_DRIFT_MAX = 1.5;

const HOUR_MS = 3_600_000;

/** Extra power share of a drifting luminaire `ms` after the drift started. */
export const powerDrift = (ms: number): number => Math.min(POWER_DRIFT_MAX, POWER_DRIFT_PER_H * Math.max(0, ms / HOUR_MS));

export interface FaultSpec {
  type: FaultType;
  /** Start of the fault, epoch ms. */
  at: number;
  /** Repair time, epoch ms (after `at`); none: the fault lasts. */
  until?: number;
  /** Devices to fault (ids); default: every device of the fleet the fault applies to. */
  devices?: string[];
  /**
   * Share (0..1) of the matching devices to fault, chosen deterministically from the plan's
   * seed, the fault type and `at`: round(share × matching) devices. Default 1.
   */
  share?: number;
}

/** A fault as a model sees it at one instant. */
export interface ActiveFault {
  type: FaultType;
  at: number;
  until: number | undefined;
  /** The device the fault belongs to when it is inherited (a luminaire behind a cabinet that lost its supply). */
  via?: string;
}

/** One spec resolved against the fleet. */
export interface PlannedFault {
  type: FaultType;
  at: number;
  until: number | undefined;
  /** Devices the spec faults, in fleet order. */
  devices: string[];
}

/** A fault event a device owes: `fault_raised` at `raiseAt`, `fault_cleared` at `clearAt` (if repaired). */
export interface FaultTransition {
  code: string;
  raiseAt: number;
  clearAt: number | undefined;
}

/** What the models need of a plan. */
export interface FaultSource {
  activeFaults(deviceId: string, ts: number): readonly ActiveFault[];
}

const NONE: readonly ActiveFault[] = Object.freeze([]);

/**
 * A fleet's injected faults: `new FaultPlan(specs, fleet, seed)`. Pure: the same specs,
 * fleet and seed fault the same devices, at the same times.
 */
export class FaultPlan implements FaultSource {
  readonly faults: readonly PlannedFault[];
  private readonly byDevice = new Map<string, ActiveFault[]>();
  private readonly transitionsByDevice = new Map<string, FaultTransition[]>();

  constructor(specs: readonly FaultSpec[], fleet: Fleet, seed: Seed) {
    const byId = new Map(fleet.devices.map((d) => [d.id, d]));
    const lampsOf = new Map<string, string[]>();
    for (const d of fleet.devices) if (d.cabinet !== null) lampsOf.set(d.cabinet, [...(lampsOf.get(d.cabinet) ?? []), d.id]);

    this.faults = specs.map((spec, i) => {
      checkSpec(spec, i);
      const targets = FAULT_TARGETS[spec.type];
      let matching: SimDevice[];
      if (spec.devices) {
        matching = spec.devices.map((id) => {
          const d = byId.get(id);
          if (!d) throw new RangeError(`faults[${i}]: unknown device "${id}"`);
          if (!targets.includes(d.type)) throw new RangeError(`faults[${i}]: ${spec.type} does not apply to ${d.type} ${id}`);
          return d;
        });
      } else {
        matching = fleet.devices.filter((d) => targets.includes(d.type));
      }
      const share = spec.share ?? 1;
      let chosen = matching;
      if (share < 1) {
        const picked = new Random(seed, 'faults', spec.type, spec.at).shuffle([...matching]).slice(0, Math.round(share * matching.length));
        const keep = new Set(picked);
        chosen = matching.filter((d) => keep.has(d));
      }
      return { type: spec.type, at: spec.at, until: spec.until, devices: chosen.map((d) => d.id) };
    });

    for (const f of this.faults) {
      for (const id of f.devices) {
        const device = byId.get(id)!;
        this.add(id, { type: f.type, at: f.at, until: f.until });
        if (f.type === 'supply_loss') for (const lamp of lampsOf.get(id) ?? []) this.add(lamp, { type: f.type, at: f.at, until: f.until, via: id });
        const code = faultEventCode(f.type, device);
        if (code === null) continue;
        const raiseAt = f.type === 'power_drift' ? f.at + (POWER_HIGH_DRIFT / POWER_DRIFT_PER_H) * HOUR_MS : f.at;
        if (f.until !== undefined && raiseAt >= f.until) continue; // repaired before it showed
        const list = this.transitionsByDevice.get(id) ?? [];
        list.push({ code, raiseAt, clearAt: f.until });
        this.transitionsByDevice.set(id, list);
      }
    }
    for (const list of this.transitionsByDevice.values()) list.sort((a, b) => a.raiseAt - b.raiseAt);
  }

  /** Faults active on a device at `ts` (at ≤ ts < until), its own and inherited ones. */
  activeFaults(deviceId: string, ts: number): readonly ActiveFault[] {
    const all = this.byDevice.get(deviceId);
    if (!all) return NONE;
    const active = all.filter((f) => f.at <= ts && (f.until === undefined || ts < f.until));
    return active.length ? active : NONE;
  }

  /** Whether the device publishes nothing at `ts` (communication loss). */
  silent(deviceId: string, ts: number): boolean {
    return this.activeFaults(deviceId, ts).some((f) => f.type === 'communication_loss');
  }

  /**
   * Whether the uplinks the device sends at `ts` are lost on the way (uplink loss): each
   * still takes its number, so the platform sees a gap in the device's `seq`.
   */
  losing(deviceId: string, ts: number): boolean {
    return this.activeFaults(deviceId, ts).some((f) => f.type === 'uplink_loss');
  }

  /** Whether the device is silent at `ts` and never repaired. */
  silentForever(deviceId: string, ts: number): boolean {
    return this.activeFaults(deviceId, ts).some((f) => f.type === 'communication_loss' && f.until === undefined);
  }

  /** The fault events the device owes, by time raised. */
  transitions(deviceId: string): readonly FaultTransition[] {
    return this.transitionsByDevice.get(deviceId) ?? [];
  }

  private add(id: string, fault: ActiveFault): void {
    const list = this.byDevice.get(id) ?? [];
    list.push(fault);
    this.byDevice.set(id, list);
  }
}

function checkSpec(spec: FaultSpec, i: number): void {
  if (!(FAULT_TYPES as readonly string[]).includes(spec.type)) throw new RangeError(`faults[${i}]: unknown fault type "${String(spec.type)}"`);
  if (!Number.isFinite(spec.at)) throw new RangeError(`faults[${i}]: at must be an epoch ms, got ${spec.at}`);
  if (spec.until !== undefined && !(spec.until > spec.at)) throw new RangeError(`faults[${i}]: until (${spec.until}) must be after at (${spec.at})`);
  if (spec.share !== undefined && !(spec.share >= 0 && spec.share <= 1)) throw new RangeError(`faults[${i}]: share must be in 0..1, got ${spec.share}`);
}

/**
 * A device's pending fault events, in order: the next one due at `ts`, if any. A fault
 * already repaired before the device first looks is skipped; one still active then is
 * raised at that first look.
 */
export class FaultEventQueue {
  private readonly queue: Array<{ at: number; event: 'fault_raised' | 'fault_cleared'; code: string }> = [];
  private started = false;

  constructor(private readonly transitions: readonly FaultTransition[]) {}

  /** The event body (without ts and seq) due at `ts`, or null. */
  next(ts: number): { event: 'fault_raised' | 'fault_cleared'; code: string } | null {
    if (!this.started) {
      this.started = true;
      for (const t of this.transitions) {
        if (t.clearAt !== undefined && t.clearAt <= ts) continue;
        this.queue.push({ at: t.raiseAt, event: 'fault_raised', code: t.code });
        if (t.clearAt !== undefined) this.queue.push({ at: t.clearAt, event: 'fault_cleared', code: t.code });
      }
      // Stable: a clear and a raise at the same instant keep clear first when the clear was listed first.
      this.queue.sort((a, b) => a.at - b.at || (a.event === b.event ? 0 : a.event === 'fault_cleared' ? -1 : 1));
    }
    const head = this.queue[0];
    if (!head || head.at > ts) return null;
    this.queue.shift();
    return { event: head.event, code: head.code };
  }
}
