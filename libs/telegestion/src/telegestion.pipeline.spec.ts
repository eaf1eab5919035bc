import { describe, expect, it } from 'vitest';
import type { DeviceEvent, DeviceInfo } from '@hv/contracts';
import { Rejection, type InboundMessage, type Reading } from '@hv/uplink';
import { ALARM_TYPES, AlarmCorrelator, alarmKey, type Correlated, type DeviceRuleState } from '@hv/rules';
import type { Queryable } from '@hv/state';
import type { Alarm, AlarmTransition } from './alarms/alarm.repository';
import { SequenceGapCounter } from './gaps/sequence-gap.counter';
import { RuleBook } from './rules/rule-book';
import { TelegestionPipeline, type PipelineDeps } from './telegestion.pipeline';

const TENANT = '02408';
const cabinet: DeviceInfo = { id: 'cab-1', tenant: TENANT, type: 'lighting-cabinet', epci: null, cabinet: null, devEui: null };
const lamp: DeviceInfo = { id: 'lamp-1', tenant: TENANT, type: 'lighting-controller', epci: null, cabinet: 'cab-1', devEui: null };
const boiler: DeviceInfo = { id: 'boiler-1', tenant: TENANT, type: 'boiler-room', epci: null, cabinet: null, devEui: null };
const DEVICES = new Map([cabinet, lamp, boiler].map((d) => [d.id, d]));
const T0 = Date.parse('2026-01-15T18:00:00Z');

const seqs = new Map<string, number>();
/** A device's own fault report (reported faults raise and clear at once: no debounce). */
function fault(device: DeviceInfo, code: string, raised: boolean, ts: number): Reading {
  const seq = (seqs.get(device.id) ?? 0) + 1;
  seqs.set(device.id, seq);
  // The code as the device sent it: an unknown one is the rules' to ignore.
  return { device, channel: 'event', body: { event: raised ? 'fault_raised' : 'fault_cleared', code, seq, ts } as DeviceEvent, ts };
}

/** The alarm table in memory: one open alarm per device and type, as the partial unique index keeps it. */
class InMemoryAlarms {
  readonly rows: Alarm[] = [];
  /** Which way each batch of changes was stored. */
  readonly paths: Array<'one-statement' | 'transaction'> = [];
  /** The rule states written with the alarm changes (applyInOneStatement's `alongside`). */
  readonly statesAlongside: string[][] = [];

  async apply(_tx: Queryable, changes: readonly Correlated[]): Promise<AlarmTransition[]> {
    this.paths.push('transaction');
    return this.applyAll(changes);
  }

  async applyInOneStatement(_db: Queryable, changes: readonly Correlated[], alongside: { sql: string; params: unknown[] }): Promise<AlarmTransition[]> {
    this.paths.push('one-statement');
    this.statesAlongside.push(alongside.params as string[]);
    return this.applyAll(changes);
  }

  async release(_tx: Queryable, keys: readonly string[]): Promise<AlarmTransition[]> {
    return keys.flatMap((k) => {
      const a = this.open(k);
      if (!a || a.parentId === null) return [];
      a.parentId = null;
      return [{ event: 'released' as const, alarm: { ...a } }];
    });
  }

  async closedByHandAmong(keys: readonly string[]): Promise<Alarm[]> {
    return keys.flatMap((k) => {
      const last = this.rows.filter((a) => alarmKey(a.device, a.type) === k).at(-1);
      return last && last.state === 'cleared' && last.clearedBy !== 'rules' ? [last] : [];
    });
  }

  /** What the API's clear does to the row. */
  clearByHand(id: number, by: string): Alarm {
    const a = this.rows.find((r) => r.id === id)!;
    Object.assign(a, { state: 'cleared', clearedAt: new Date(), clearedBy: by });
    return { ...a };
  }

  open(key: string): Alarm | undefined {
    return this.rows.find((a) => alarmKey(a.device, a.type) === key && a.state !== 'cleared');
  }

  private applyAll(changes: readonly Correlated[]): AlarmTransition[] {
    const out: AlarmTransition[] = [];
    for (const c of changes) {
      const ch = c.change;
      const key = alarmKey(ch.device, ch.type);
      const open = this.open(key);
      if (ch.kind === 'raise') {
        if (open) continue;
        const parentId = c.parent ? (this.open(c.parent)?.id ?? null) : null;
        const a: Alarm = {
          id: this.rows.length + 1, tenant: ch.tenant, device: ch.device, domain: ch.domain, type: ch.type, kind: ALARM_TYPES[ch.type].kind, severity: ch.severity,
          source: ch.source, state: 'active', since: new Date(ch.since), raisedAt: new Date(), value: ch.value ?? null, acknowledgedAt: null, acknowledgedBy: null,
          assignee: null, clearedAt: null, clearedBy: null, parentId, savings: null,
        };
        this.rows.push(a);
        out.push({ event: parentId === null ? 'raised' : 'suppressed', alarm: { ...a } });
        for (const k of c.adopt) {
          const child = this.open(k);
          if (child) (child.parentId = a.id), out.push({ event: 'adopted', alarm: { ...child } });
        }
      } else if (ch.kind === 'clear' && open) {
        Object.assign(open, { state: 'cleared', clearedAt: new Date(ch.at), clearedBy: 'rules' });
        out.push({ event: 'cleared', alarm: { ...open } });
      } else if (ch.kind === 'escalate' && open) {
        open.severity = ch.severity;
        out.push({ event: 'escalated', alarm: { ...open } });
      }
    }
    return out;
  }
}

/** Rule states as written: each save (group commit) is one entry; the first `holdSaves` wait for `releaseSaves`. */
class InMemoryStates {
  readonly saves: string[][] = [];
  holdSaves = 0;
  private held: Array<() => void> = [];
  async save(states: ReadonlyArray<{ device: string; state: DeviceRuleState }>): Promise<void> {
    if (this.holdSaves > 0) {
      this.holdSaves--;
      await new Promise<void>((r) => this.held.push(r));
    }
    this.saves.push(states.map((s) => s.device).sort());
  }
  upsertStatement(states: ReadonlyArray<{ device: string; state: DeviceRuleState }>, params: unknown[]): string {
    params.push(...states.map((s) => s.device));
    return 'upsert';
  }
  releaseSaves(): void {
    for (const r of this.held.splice(0)) r();
  }
}

function setUp(normalizer: PipelineDeps['normalizer'] = { normalize: () => new Rejection('schema', 'no normalizer in this spec') }, alarms = new InMemoryAlarms()) {
  const states = new InMemoryStates();
  const events: AlarmTransition[] = [];
  const metrics = { received: 0, reconciled: 0, skipped: new Map<string, number>(), alarms: new Map<string, number>() };
  const book = new RuleBook(new Map());
  const correlator = new AlarmCorrelator((id) => DEVICES.get(id)?.cabinet);
  const tx: Queryable = { query: async () => ({ rows: [], rowCount: 0, command: '', oid: 0, fields: [] }) };
  const pipeline: TelegestionPipeline = new TelegestionPipeline({
    db: { ...tx, tx: (fn) => fn(tx) } as PipelineDeps['db'],
    normalizer,
    book,
    correlator,
    alarms,
    states,
    programs: { expectedLevel: () => undefined as unknown as number, nextChange: () => null },
    commands: { onRoute: () => undefined, onAck: () => undefined, overridesOf: () => [], hasPending: () => false, submit: async () => ({ batchId: '', commands: [] }) } as unknown as PipelineDeps['commands'],
    events: { alarm: (t) => void events.push(t) },
    metrics: {
      get received() { return metrics.received; },
      set received(n) { metrics.received = n; },
      reconciled: 0,
      skip: (reason) => void metrics.skipped.set(reason, (metrics.skipped.get(reason) ?? 0) + 1),
      alarm: (event) => void metrics.alarms.set(event, (metrics.alarms.get(event) ?? 0) + 1),
    },
    gaps: new SequenceGapCounter(),
    reconcile: { afterMs: 600_000, minIntervalMs: 3_600_000 },
    now: (): number => pipeline.watermark,
  });
  const seen = () => events.map((e) => `${e.event} ${e.alarm.device}/${e.alarm.type}`);
  return { pipeline, alarms, states, events, metrics, correlator, book, seen };
}

describe('TelegestionPipeline', () => {
  it('raises an alarm on a fault, stores it with its device state in one statement, and tells the events and metrics', async () => {
    const { pipeline, alarms, seen, metrics } = setUp();
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0)]);
    expect(alarms.rows).toMatchObject([{ device: boiler.id, type: 'flame_fault', state: 'active', source: 'reported', since: new Date(T0) }]);
    expect(alarms.paths).toEqual(['one-statement']);
    expect(alarms.statesAlongside).toEqual([[boiler.id]]);
    expect(seen()).toEqual(['raised boiler-1/flame_fault']);
    expect(metrics.received).toBe(1);
    expect(metrics.alarms.get('raised')).toBe(1);
  });

  it('clears the alarm when the fault ends, once, whatever the readings in between', async () => {
    const { pipeline, alarms, seen } = setUp();
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0)]);
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0 + 60_000), fault(boiler, 'flame_fault', true, T0 + 120_000)]);
    await pipeline.judge([fault(boiler, 'flame_fault', false, T0 + 180_000)]);
    expect(alarms.rows).toMatchObject([{ state: 'cleared', clearedBy: 'rules', clearedAt: new Date(T0 + 180_000) }]);
    expect(seen()).toEqual(['raised boiler-1/flame_fault', 'cleared boiler-1/flame_fault']);
  });

  it("suppresses a lamp's failure under its cabinet's supply loss, and links a failure raised first to the supply loss", async () => {
    const { pipeline, alarms, seen } = setUp();
    await pipeline.judge([fault(cabinet, 'supply_loss', true, T0)]);
    await pipeline.judge([fault(lamp, 'lamp_failure', true, T0 + 60_000)]);
    const parent = alarms.open(alarmKey(cabinet.id, 'supply_loss'))!;
    expect(alarms.open(alarmKey(lamp.id, 'lamp_failure'))!.parentId).toBe(parent.id);
    expect(seen()).toEqual(['raised cab-1/supply_loss', 'suppressed lamp-1/lamp_failure']);

    // The other order: the lamp's failure first, the supply loss adopts it (the transaction's way).
    const other = setUp();
    await other.pipeline.judge([fault(lamp, 'lamp_failure', true, T0)]);
    await other.pipeline.judge([fault(cabinet, 'supply_loss', true, T0 + 60_000)]);
    expect(other.seen()).toEqual(['raised lamp-1/lamp_failure', 'raised cab-1/supply_loss', 'adopted lamp-1/lamp_failure']);
    expect(other.alarms.paths).toEqual(['one-statement', 'transaction']);
  });

  it('writes the rule states of batches that arrive during a write together (group commit), and resolves each batch only once its states are written', async () => {
    const { pipeline, states } = setUp();
    states.holdSaves = 1;
    const ts = (i: number) => T0 + i * 1_000;
    // Readings that change no alarm: their states go by the group commit, not with alarm changes.
    const reading = (device: DeviceInfo, i: number): Reading => ({ device, channel: 'telemetry', body: { seq: i, ts: ts(i), flow_c: 60, return_c: 45, pressure_bar: 1.4, burner_on: true, modulation_pct: 40, outdoor_c: 5, room_c: 19, gas_kwh: 1000 + i }, ts: ts(i) });
    let done = 0;
    const first = pipeline.judge([reading(boiler, 1)]).then(() => done++);
    await new Promise((r) => setTimeout(r, 10));
    const later = [pipeline.judge([reading(boiler, 2)]), pipeline.judge([fault(lamp, 'unknown_code', true, ts(3))]), pipeline.judge([reading(boiler, 4)])].map((p) => p.then(() => done++));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(0);
    states.releaseSaves();
    await Promise.all([first, ...later]);
    expect(done).toBe(4);
    // The first write, then one for the three batches that waited behind it.
    expect(states.saves).toEqual([[boiler.id], [boiler.id, lamp.id]]);
  });

  it('counts a reading it cannot read or judge as skipped and judges the rest of the batch', async () => {
    const good = fault(boiler, 'flame_fault', true, T0);
    const normalizer: PipelineDeps['normalizer'] = {
      normalize: (topic: string) => {
        if (topic === 'throws') throw new Error('payload is not JSON');
        if (topic === 'fails') return Promise.reject(new Error('registry unreachable'));
        if (topic === 'rejected') return new Rejection('unknown_device', 'device lamp-9 is not registered');
        return good;
      },
    };
    const { pipeline, alarms, metrics } = setUp(normalizer);
    const msg = (topic: string): InboundMessage => ({ topic, payload: Buffer.from('{'), receivedAtMs: T0 }) as InboundMessage;
    await expect(pipeline.handle([msg('throws'), msg('fails'), msg('rejected'), msg('good')])).resolves.toBeUndefined();
    expect(metrics.received).toBe(4);
    expect(Object.fromEntries(metrics.skipped)).toEqual({ schema: 2, unknown_device: 1 });
    expect(alarms.rows).toHaveLength(1);
    // A redelivered reading (not newer than the last judged) is skipped, not judged twice.
    await pipeline.judge([good]);
    expect(metrics.skipped.get('not_newer')).toBe(1);
    expect(alarms.rows).toHaveLength(1);
  });

  it('takes a clear by hand as cleared: the ongoing fault does not raise it again, its end clears nothing, the next fault raises a new alarm', async () => {
    const { pipeline, alarms, correlator, seen, states } = setUp();
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0)]);
    const cleared = alarms.clearByHand(1, 'Laon (key k1)');
    await pipeline.closedByHand(cleared);
    expect(correlator.get(alarmKey(boiler.id, 'flame_fault'))).toBeUndefined();
    expect(seen()).toEqual(['raised boiler-1/flame_fault', 'cleared boiler-1/flame_fault']);
    // The rules' state learnt of it, and is written before the call resolves.
    expect(states.saves.at(-1)).toEqual([boiler.id]);
    // Heard twice (the notification and a catch-up): taken once.
    await pipeline.closedByHand(cleared);
    await pipeline.catchUpClosedByHand();
    expect(seen()).toHaveLength(2);

    const stores = alarms.paths.length;
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0 + 60_000)]);
    await pipeline.judge([fault(boiler, 'flame_fault', false, T0 + 120_000)]);
    expect(alarms.rows).toHaveLength(1);
    expect(seen()).toHaveLength(2);
    // The fault's end was taken as the end of a condition already cleared: nothing to store.
    expect(alarms.paths).toHaveLength(stores);
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0 + 180_000)]);
    expect(alarms.rows.map((a) => [a.id, a.state])).toEqual([
      [1, 'cleared'],
      [2, 'active'],
    ]);
    expect(seen()).toEqual(['raised boiler-1/flame_fault', 'cleared boiler-1/flame_fault', 'raised boiler-1/flame_fault']);
  });

  it('catches up a clear by hand it did not hear of', async () => {
    const { pipeline, alarms, seen } = setUp();
    await pipeline.judge([fault(boiler, 'flame_fault', true, T0)]);
    alarms.clearByHand(1, 'Laon (key k1)');
    await pipeline.catchUpClosedByHand();
    expect(seen()).toEqual(['raised boiler-1/flame_fault', 'cleared boiler-1/flame_fault']);
    await pipeline.judge([fault(boiler, 'flame_fault', false, T0 + 60_000)]);
    expect(seen()).toHaveLength(2);
  });

  it('catches up after a restart a clear by hand made while it was down (the correlation, rebuilt from open alarms, no longer holds it)', async () => {
    const before = setUp();
    await before.pipeline.judge([fault(boiler, 'flame_fault', true, T0)]);
    before.alarms.clearByHand(1, 'Laon (key k1)');

    const after = setUp(undefined, before.alarms);
    after.book.adoptStored((id) => DEVICES.get(id), new Map([[boiler.id, JSON.parse(JSON.stringify(before.book.rulesOf(boiler).state)) as DeviceRuleState]]));
    await after.pipeline.catchUpClosedByHand();
    await after.pipeline.catchUpClosedByHand();
    expect(after.seen()).toEqual(['cleared boiler-1/flame_fault']);
    const stores = after.alarms.paths.length;
    await after.pipeline.judge([fault(boiler, 'flame_fault', false, T0 + 60_000)]);
    expect(after.alarms.paths).toHaveLength(stores);
    expect(after.seen()).toHaveLength(1);
  });
});
