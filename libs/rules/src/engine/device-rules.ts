import { DEVICE_TYPES, type DeviceType } from '@hv/contracts';
import { priceEnergy } from '@hv/energy-pricing';
import { ALARM_TYPES, alarmTypeOfCode, CROSS_DOMAIN_TYPES, SEVERITIES, type AlarmType, type Severity } from '../alarms/alarm-types';
import { debounce, initialCondition, type ConditionState } from '../alarms/debounce';
import type { RuleConfig } from '../rule-config';
import { airStationDetectors, co2SensorDetectors } from './air.detectors';
import type { Detection, Detector, DetectorContext, Memory, RuleDevice } from './detection';
import { boilerRoomDetectors } from './heating.detectors';
import { lightingCabinetDetectors, lightingControllerDetectors } from './lighting.detectors';
import { carParkDetectors, parkingSpotDetectors, spotVerdicts } from './parking.detectors';

const DETECTORS: Record<DeviceType, Detector> = {
  'lighting-controller': lightingControllerDetectors,
  'lighting-cabinet': lightingCabinetDetectors,
  'boiler-room': boilerRoomDetectors,
  'air-station': airStationDetectors,
  'co2-sensor': co2SensorDetectors,
  'parking-spot': parkingSpotDetectors,
  'car-park': carParkDetectors,
};

/** Energy a finding wasted while active, priced with the tenant's factors. */
export interface Savings {
  kwh: number;
  eur: number;
  kgco2: number;
}

/** A change of one device's alarm of one type: what the alarm store applies. */
export interface AlarmChange {
  kind: 'raise' | 'clear' | 'escalate';
  type: AlarmType;
  device: string;
  tenant: string;
  domain: string;
  severity: Severity;
  /** When the condition began (raise) or ended (clear), device time, epoch ms. */
  since: number;
  /** The reading that decided it, epoch ms. */
  at: number;
  value?: number;
  /** Who says so: telegestion's own detection, or the device's fault report. */
  source: 'detected' | 'reported';
  /** Findings: the energy wasted while active (on clear, and on escalation so far). */
  savings?: Savings;
}

/** One alarm type's state on one device. */
interface TypeState {
  detected: ConditionState;
  /** The device reported this fault (fault_raised) and has not cleared it. */
  reported?: number;
  severity?: Severity;
  /** Findings: the meter (kWh) when the waste began, and the share wasted. */
  meterStart?: number;
  meterLast?: number;
  wasteShare?: number;
  carrier?: 'electricity' | 'gas';
  /**
   * Someone closed the alarm by hand at this time (epoch ms) while the condition held: the
   * condition counts as cleared until it ends, so the same fault does not raise it again.
   */
  closedByHandAt?: number;
}

/** Everything the rules hold about one device, serialisable (persisted, restored on restart). */
export interface DeviceRuleState {
  /** Device time of the last uplink, epoch ms. */
  lastSeen?: number;
  /** Sequence number of that uplink (telegestion skips a redelivered one). */
  lastSeq?: number;
  /** Reporting interval the device was told (set_interval), s. */
  intervalS?: number;
  types: Partial<Record<AlarmType, TypeState>>;
  memory: Memory;
}

export interface ObserveOptions {
  /** Lighting: what the program asks of the device at the reading's time. */
  expectedLevelPct?: number;
}

/**
 * The rules of one device: readings in, alarm changes out. An alarm of a type is active
 * while telegestion detects it (debounced, with hysteresis) or the device reports it; one
 * raise when it begins, one clear when both have ended, whatever the number of readings
 * in between. The state is plain data: `state` is persisted and handed back after a restart.
 */
export class DeviceRules {
  readonly state: DeviceRuleState;

  constructor(
    readonly device: RuleDevice,
    private config: RuleConfig,
    state?: DeviceRuleState,
  ) {
    this.state = state ?? { types: {}, memory: {} };
  }

  /** New configuration (a tenant changed its rules): states carry over. */
  reconfigure(config: RuleConfig): void {
    this.config = config;
  }

  /** The types active on this device now. */
  activeTypes(): AlarmType[] {
    return (Object.keys(this.state.types) as AlarmType[]).filter((t) => isActive(this.state.types[t]!));
  }

  /**
   * An operator closed this type's alarm by hand while the condition still holds (as a
   * "cleared by operator" in ThingsBoard or OpenRemote): the ongoing fault neither raises
   * nor escalates it again, its end closes nothing (the alarm is already closed), and the
   * next fault raises a new alarm. False when the condition is not active here.
   */
  closeByHand(type: AlarmType, at: number): boolean {
    const s = this.state.types[type];
    if (!s || !isActive(s)) return false;
    s.closedByHandAt = at;
    return true;
  }

  /**
   * The types active here and not closed by hand, each with the times its alarm may have
   * been raised from (`since` of a detected raise, or of the device's report).
   */
  openConditions(): Array<{ type: AlarmType; since: number[] }> {
    const out: Array<{ type: AlarmType; since: number[] }> = [];
    for (const [type, s] of Object.entries(this.state.types) as Array<[AlarmType, TypeState]>) {
      if (!isActive(s) || s.closedByHandAt !== undefined) continue;
      out.push({ type, since: [s.detected.raisedAt, s.reported].filter((t): t is number => t !== undefined) });
    }
    return out;
  }

  /** A telemetry reading (or a parking occupancy event) at device time `ts`. */
  observe(channel: 'telemetry' | 'event', body: Record<string, unknown>, ts: number, options: ObserveOptions = {}): AlarmChange[] {
    const changes: AlarmChange[] = [];
    const wasSilent = this.isSilent(ts);
    if (this.state.lastSeen === undefined || ts > this.state.lastSeen) this.state.lastSeen = ts;
    // An uplink ends a communication loss.
    if (wasSilent) this.apply({ type: 'communication_loss', verdict: 'good' }, ts, changes);

    if (channel === 'event' && (body.event === 'fault_raised' || body.event === 'fault_cleared') && typeof body.code === 'string') {
      this.report(body.code, body.event === 'fault_raised', ts, typeof body.value === 'number' ? body.value : undefined, changes);
      return changes;
    }
    if (channel === 'event' && this.device.type !== 'parking-spot') return changes;
    const ctx: DetectorContext = { device: this.device, config: this.config, memory: this.state.memory, ...(options.expectedLevelPct !== undefined ? { expectedLevelPct: options.expectedLevelPct } : {}) };
    for (const d of DETECTORS[this.device.type](body, ts, ctx)) this.apply(d, ts, changes);
    return changes;
  }

  /**
   * The clock: communication loss, and overstays that need no new reading.
   * `listeningSince` is when the caller last began receiving this device's uplinks (null
   * while it receives nothing): silence is counted from then at the earliest, so that the
   * caller's own absence (a restart, a lost broker connection) is never blamed on a device.
   */
  tick(now: number, listeningSince: number | null): AlarmChange[] {
    const changes: AlarmChange[] = [];
    if (listeningSince !== null && this.isSilent(now, listeningSince)) {
      this.apply({ type: 'communication_loss', verdict: 'bad', value: Math.round((now - this.state.lastSeen!) / 1000) }, now, changes);
    }
    if (this.device.type === 'parking-spot') {
      for (const d of spotVerdicts(now, { device: this.device, config: this.config, memory: this.state.memory })) if (d.type === 'overstay') this.apply(d, now, changes);
    }
    return changes;
  }

  /** The device was told to report every `intervalS` (an acked set_interval). */
  setInterval(intervalS: number): void {
    this.state.intervalS = intervalS;
  }

  /** Silent for longer than `missed_periods` expected reporting intervals (counted from `since` at the earliest). */
  private isSilent(now: number, since = Number.NEGATIVE_INFINITY): boolean {
    if (this.state.lastSeen === undefined || !this.config.communication_loss.enabled) return false;
    const interval = this.state.intervalS ?? DEVICE_TYPES[this.device.type].expectedIntervalS;
    return now - Math.max(this.state.lastSeen, since) > this.config.communication_loss.missed_periods * interval * 1000;
  }

  private report(code: string, raised: boolean, ts: number, value: number | undefined, changes: AlarmChange[]): void {
    const type = alarmTypeOfCode(code);
    if (!type || !this.config[type].enabled) return;
    const s = this.typeState(type);
    const before = isActive(s);
    if (raised) s.reported ??= ts;
    else delete s.reported;
    this.emit(type, s, before, ts, ts, value, 'reported', changes);
    this.pruneAtRest(type, s);
  }

  private apply(d: Detection, ts: number, changes: AlarmChange[]): void {
    const rule = this.config[d.type];
    if (!rule.enabled) return;
    const s = this.typeState(d.type);
    const before = isActive(s);
    if (d.meterKwh !== undefined) {
      // The waste is counted from the first bad reading; readings in between are the meter's.
      if (d.verdict === 'bad' && s.meterStart === undefined) s.meterStart = d.meterKwh;
      if (s.meterStart !== undefined && d.verdict === 'bad') s.meterLast = d.meterKwh;
      if (d.wasteShare !== undefined && d.verdict === 'bad') s.wasteShare = Math.max(s.wasteShare ?? 0, d.wasteShare);
      if (d.carrier) s.carrier = d.carrier;
    }
    const change = debounce(s.detected, d.verdict, ts, { raiseAfterMs: rule.raise_after_s * 1000, clearAfterMs: rule.clear_after_s * 1000 }, d.value);
    if (!before && !s.detected.active && s.detected.pendingSince === undefined && s.reported === undefined) {
      // A bad run that never became an alarm wastes nothing on record.
      delete s.meterStart;
      delete s.meterLast;
      delete s.wasteShare;
    }
    // Severity follows the value while active (over-temperature warning → critical).
    if (d.severity && d.verdict === 'bad') {
      const rank = SEVERITIES.indexOf(d.severity);
      if (before && isActive(s) && rank > SEVERITIES.indexOf(s.severity ?? ALARM_TYPES[d.type].severity)) {
        s.severity = d.severity;
        if (s.closedByHandAt === undefined) changes.push(this.change('escalate', d.type, s, ts, ts, d.value, 'detected'));
        return;
      }
      if (!before) s.severity = d.severity;
    }
    this.emit(d.type, s, before, change?.since ?? ts, ts, d.value ?? s.detected.value, 'detected', changes);
    this.pruneAtRest(d.type, s);
  }

  /**
   * A type with nothing going on (not active, nothing pending, nothing reported or metered)
   * behaves exactly as a fresh one: it is dropped from the state, which is persisted at
   * every reading: a luminaire's state is ≈ 150 bytes of JSON instead of ≈ 600, and so
   * shrinks the WAL that every alarm's commit waits to flush.
   */
  private pruneAtRest(type: AlarmType, s: TypeState): void {
    const d = s.detected;
    if (!d.active && d.pendingSince === undefined && s.reported === undefined && s.meterStart === undefined && s.severity === undefined) delete this.state.types[type];
  }

  private emit(type: AlarmType, s: TypeState, before: boolean, since: number, at: number, value: number | undefined, source: AlarmChange['source'], changes: AlarmChange[]): void {
    const after = isActive(s);
    if (after === before) return;
    // A condition closed by hand ends quietly: its alarm was cleared then.
    if (after || s.closedByHandAt === undefined) changes.push(this.change(after ? 'raise' : 'clear', type, s, since, at, value, source));
    if (!after) {
      delete s.closedByHandAt;
      delete s.severity;
      delete s.meterStart;
      delete s.meterLast;
      delete s.wasteShare;
    }
  }

  private change(kind: AlarmChange['kind'], type: AlarmType, s: TypeState, since: number, at: number, value: number | undefined, source: AlarmChange['source']): AlarmChange {
    const info = ALARM_TYPES[type];
    const savings = info.kind === 'finding' && kind !== 'raise' ? this.savings(s) : undefined;
    return {
      kind,
      type,
      device: this.device.id,
      tenant: this.device.tenant,
      domain: CROSS_DOMAIN_TYPES.has(type) ? DEVICE_TYPES[this.device.type].domain : info.domain,
      severity: s.severity ?? info.severity,
      since,
      at,
      ...(value !== undefined ? { value } : {}),
      source,
      ...(savings ? { savings } : {}),
    };
  }

  private savings(s: TypeState): Savings | undefined {
    if (s.meterStart === undefined || s.meterLast === undefined) return undefined;
    const kwh = Math.max(0, s.meterLast - s.meterStart) * (s.wasteShare ?? 1);
    const priced = priceEnergy(kwh, s.carrier ?? 'electricity', this.config.factors);
    return { kwh: round3(priced.kwh), eur: round3(priced.eur), kgco2: round3(priced.kgco2) };
  }

  private typeState(type: AlarmType): TypeState {
    return (this.state.types[type] ??= { detected: initialCondition() });
  }
}

const isActive = (s: TypeState): boolean => s.detected.active || s.reported !== undefined;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
