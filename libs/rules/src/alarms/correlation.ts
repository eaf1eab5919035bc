import type { AlarmChange } from '../engine/device-rules';
import type { AlarmType } from './alarm-types';

/** What a cabinet's supply loss explains on the luminaires it feeds. */
export const EXPLAINED_BY_SUPPLY_LOSS: ReadonlySet<AlarmType> = new Set(['lamp_failure', 'communication_loss', 'voltage_out_of_range', 'day_burner', 'power_drift']);

/** After the supply comes back, a luminaire's alarm that outlives the parent by this long stands on its own. */
export const ORPHAN_GRACE_MS = 15 * 60_000;

export interface ActiveAlarm {
  key: string;
  type: AlarmType;
  device: string;
  since: number;
  /** The alarm that explains this one (a cabinet's supply loss), when suppressed. */
  parent?: string;
  /** When the parent cleared (the grace period runs from there). */
  parentClearedAt?: number;
}

/** What the correlator decided about one change, for the store to apply. */
export interface Correlated {
  change: AlarmChange;
  /** The alarm is raised suppressed, linked to this parent (not notified, not counted as active). */
  parent?: string;
  /** Already active alarms this raise now explains: suppress them and link them to it. */
  adopt: string[];
  /** Children whose parent went away long enough ago: they now stand on their own. */
  release: string[];
}

export const alarmKey = (device: string, type: AlarmType): string => `${device}/${type}`;

/**
 * Topology correlation: a cabinet that lost its supply raises one alarm; the lamp
 * failures (and silences, odd voltages…) of the luminaires behind it are suppressed and
 * linked to it, whichever comes first. When the supply is back, children clear on their
 * own; one still active ORPHAN_GRACE_MS later is a fault of its own and is released.
 */
export class AlarmCorrelator {
  private readonly active = new Map<string, ActiveAlarm>();

  /** `cabinetOf(device)`: the cabinet feeding a luminaire, from the registry. */
  constructor(private readonly cabinetOf: (device: string) => string | null | undefined) {}

  /** Alarms the correlator holds (restored from the store after a restart). */
  restore(alarms: Iterable<ActiveAlarm>): void {
    for (const a of alarms) this.active.set(a.key, { ...a });
  }

  /** Open alarms held. */
  get size(): number {
    return this.active.size;
  }

  get(key: string): ActiveAlarm | undefined {
    return this.active.get(key);
  }

  apply(change: AlarmChange): Correlated {
    const key = alarmKey(change.device, change.type);
    if (change.kind === 'escalate') return { change, adopt: [], release: [], ...(this.active.get(key)?.parent ? { parent: this.active.get(key)!.parent } : {}) };
    if (change.kind === 'clear') {
      const cleared = this.forget(key, change.at);
      return { change, adopt: [], release: [], ...(cleared?.parent ? { parent: cleared.parent } : {}) };
    }
    const alarm: ActiveAlarm = { key, type: change.type, device: change.device, since: change.since };
    const adopt: string[] = [];
    if (change.type === 'supply_loss') {
      for (const a of this.active.values()) {
        if (EXPLAINED_BY_SUPPLY_LOSS.has(a.type) && this.cabinetOf(a.device) === change.device && (a.parent === undefined || a.parentClearedAt !== undefined)) {
          a.parent = key;
          delete a.parentClearedAt;
          adopt.push(a.key);
        }
      }
    } else if (EXPLAINED_BY_SUPPLY_LOSS.has(change.type)) {
      const cabinet = this.cabinetOf(change.device);
      const parent = cabinet ? this.active.get(alarmKey(cabinet, 'supply_loss')) : undefined;
      if (parent) alarm.parent = parent.key;
    }
    this.active.set(key, alarm);
    return { change, adopt, release: [], ...(alarm.parent ? { parent: alarm.parent } : {}) };
  }

  /** The keys of the alarms held. */
  keys(): IterableIterator<string> {
    return this.active.keys();
  }

  /**
   * The alarm `key` closed at `at` (its rule cleared it, or a person did): no longer held,
   * and the children of a supply loss start their grace period. Returns what was held.
   */
  forget(key: string, at: number): ActiveAlarm | undefined {
    const cleared = this.active.get(key);
    this.active.delete(key);
    if (cleared?.type === 'supply_loss') for (const a of this.active.values()) if (a.parent === key) a.parentClearedAt = at;
    return cleared;
  }

  /** Children whose parent cleared more than ORPHAN_GRACE_MS before `now`: released, standing alone. */
  tick(now: number): string[] {
    const released: string[] = [];
    for (const a of this.active.values()) {
      if (a.parent !== undefined && a.parentClearedAt !== undefined && now - a.parentClearedAt >= ORPHAN_GRACE_MS) {
        delete a.parent;
        delete a.parentClearedAt;
        released.push(a.key);
      }
    }
    return released;
  }
}
