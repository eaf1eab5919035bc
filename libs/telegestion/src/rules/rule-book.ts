import type { DeviceInfo } from '@hv/contracts';
import { DeviceRules, rulesFor, type AlarmChange, type AlarmType, type DeviceRuleState, type ObserveOptions, type RuleConfig, type RuleDevice } from '@hv/rules';

/**
 * The rules of every device this instance judges, with their state: created from the
 * stored state on first use (or at start-up, so that a device silent since the restart is
 * still judged by the clock), and marked dirty when a reading changes them.
 */
export class RuleBook {
  private readonly rules = new Map<string, DeviceRules>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly configs: ReadonlyMap<string, RuleConfig>,
    private readonly stored: Map<string, DeviceRuleState> = new Map(),
  ) {}

  get size(): number {
    return this.rules.size;
  }

  /** Instantiates every stored state whose device is known (start-up); `stored` adds to those given at construction. */
  adoptStored(lookup: (id: string) => DeviceInfo | undefined, stored: ReadonlyMap<string, DeviceRuleState> = new Map()): number {
    for (const [id, state] of stored) this.stored.set(id, state);
    let n = 0;
    for (const [id, state] of this.stored) {
      const device = lookup(id);
      if (!device) continue;
      this.create(device, state);
      n++;
    }
    this.stored.clear();
    return n;
  }

  rulesOf(device: DeviceInfo): DeviceRules {
    return this.rules.get(device.id) ?? this.create(device, this.stored.get(device.id));
  }

  /**
   * Judges one reading. Returns null when the reading is not newer than the newest one
   * judged (a redelivery after a restart, or a late reading: ingest stores it, the rules,
   * which reason on sequences, skip it).
   */
  observe(device: DeviceInfo, channel: 'telemetry' | 'event', body: Record<string, unknown>, ts: number, options?: ObserveOptions): AlarmChange[] | null {
    const rules = this.rulesOf(device);
    const seq = typeof body.seq === 'number' ? body.seq : -1;
    // The newest (ts, seq) judged is in the state (a state stored before seq was kept counts as seen up to its ts).
    const { lastSeen, lastSeq = Number.MAX_SAFE_INTEGER } = rules.state;
    if (lastSeen !== undefined && (ts < lastSeen || (ts === lastSeen && seq <= lastSeq))) return null;
    rules.state.lastSeq = seq;
    this.dirty.add(device.id);
    return rules.observe(channel, body, ts, options);
  }

  /** The clock, for every device (`listeningSince`: see DeviceRules.tick). */
  tick(now: number, listeningSince: number | null): AlarmChange[] {
    const out: AlarmChange[] = [];
    for (const [id, rules] of this.rules) {
      const changes = rules.tick(now, listeningSince);
      if (changes.length) {
        this.dirty.add(id);
        out.push(...changes);
      }
    }
    return out;
  }

  /**
   * An operator closed the device's alarm of this type by hand (see DeviceRules.closeByHand);
   * false when its rules do not hold that condition active.
   */
  closeByHand(device: string, type: AlarmType, at: number): boolean {
    const rules = this.rules.get(device);
    if (!rules?.closeByHand(type, at)) return false;
    this.dirty.add(device);
    return true;
  }

  /** Every active condition not closed by hand, as `device/type` keys with the times its alarm may have been raised from. */
  openConditions(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [id, rules] of this.rules) for (const c of rules.openConditions()) out.set(`${id}/${c.type}`, c.since);
    return out;
  }

  /** The times the open condition `type` of `device` may have raised its alarm from; undefined when not active or closed by hand. */
  openSince(device: string, type: AlarmType): number[] | undefined {
    return this.rules.get(device)?.openConditions().find((c) => c.type === type)?.since;
  }

  markDirty(id: string): void {
    this.dirty.add(id);
  }

  /** The states changed since the last call (serialised by the caller's repository). */
  takeDirty(): Array<{ device: string; state: DeviceRuleState }> {
    const out = this.take(this.dirty);
    this.dirty.clear();
    return out;
  }

  /** The changed states of these devices only (stored with their alarm changes); the others stay dirty. */
  takeDirtyOf(ids: Iterable<string>): Array<{ device: string; state: DeviceRuleState }> {
    const mine = [...ids].filter((id) => this.dirty.has(id));
    for (const id of mine) this.dirty.delete(id);
    return this.take(mine);
  }

  private take(ids: Iterable<string>): Array<{ device: string; state: DeviceRuleState }> {
    const out: Array<{ device: string; state: DeviceRuleState }> = [];
    for (const id of ids) {
      const rules = this.rules.get(id);
      if (rules) out.push({ device: id, state: rules.state });
    }
    return out;
  }

  private create(device: DeviceInfo, state: DeviceRuleState | undefined): DeviceRules {
    const rules = new DeviceRules(ruleDeviceOf(device), rulesFor(this.configs, device.tenant, device.epci), state);
    this.rules.set(device.id, rules);
    this.stored.delete(device.id);
    return rules;
  }
}

/** The registry's view of a device as the rules read it. */
export function ruleDeviceOf(d: DeviceInfo): RuleDevice {
  return { id: d.id, tenant: d.tenant, type: d.type, epci: d.epci, cabinet: d.cabinet, attributes: d.attributes ?? {} };
}
