import { Logger } from '@nestjs/common';
import { Rejection, type InboundMessage, type Normalized, type Normalizer, type Reading, type ReadingOf } from '@hv/uplink';
import { alarmKey, type AlarmChange, type AlarmCorrelator, type Correlated } from '@hv/rules';
import type { Database, Queryable } from '@hv/state';
import { AlarmRepository, type Alarm } from './alarms/alarm.repository';
import type { CommandService } from './commands/command.service';
import type { SequenceGapCounter } from './gaps/sequence-gap.counter';
import type { ProgramDirectory } from './programs/program-directory';
import type { RuleBook } from './rules/rule-book';
import { RULE_STATES_PER_STATEMENT, type RuleStateRepository } from './rules/rule-state.repository';
import type { TelegestionEvents } from './telegestion-events';
import type { TelegestionMetrics } from './telegestion.metrics';

export interface ReconcileOptions {
  /** Reported level differing from the program this long (device time) → the command again, ms. */
  afterMs: number;
  /** At most one reconciliation command per device in this period, ms. */
  minIntervalMs: number;
}

/**
 * What the pipeline works with. The stores and services are narrowed to the calls it makes,
 * so that a unit spec hands it in-memory ones.
 */
export interface PipelineDeps {
  db: Queryable & Pick<Database, 'tx'>;
  /** The same validation as ingest's: one registry lookup and one JSON parse per message. */
  normalizer: Pick<Normalizer, 'normalize'>;
  book: RuleBook;
  correlator: AlarmCorrelator;
  alarms: Pick<AlarmRepository, 'apply' | 'applyInOneStatement' | 'release' | 'closedByHandAmong'>;
  states: Pick<RuleStateRepository, 'save' | 'upsertStatement'>;
  programs: Pick<ProgramDirectory, 'expectedLevel' | 'nextChange'>;
  commands: Pick<CommandService, 'onRoute' | 'onAck' | 'overridesOf' | 'hasPending' | 'submit'>;
  events: Pick<TelegestionEvents, 'alarm'>;
  metrics: Pick<TelegestionMetrics, 'received' | 'reconciled' | 'skip' | 'alarm'>;
  reconcile: ReconcileOptions;
  /** The rules' clock for commands' expiry (wall, or the stream's watermark). */
  now: () => number;
  /** Lost uplinks: every numbered uplink passes through it once, in the order judged. */
  gaps: SequenceGapCounter;
}

/** Reported and expected levels this far apart (percentage points) disagree. */
const LEVEL_TOLERANCE_PCT = 5;
/** A reconciliation command holds the level until the program's next change, or this long, ms. */
const DEFAULT_HOLD_MS = 3_600_000;

/**
 * Where each message ends in telegestion (ingest is where it is stored or dead-lettered).
 * The Normalizer (@hv/uplink, the one ingest uses) turns it into a Reading, judged as it is:
 * - not a valid uplink of a registered device (a Rejection, or a registry lookup that
 *   failed): counted in `hv_telegestion_skipped_total`;
 * - an ack: ends its command (CommandService);
 * - a status: nothing to judge (communication loss is judged on the clock);
 * - a reading older than the newest one judged for its device: counted as skipped;
 * - otherwise judged by the device's rules: its alarm changes are correlated and stored
 *   in one transaction with the states of the devices they concern; the other states are
 *   written before the message is acknowledged (`durable()`), so a restart resumes them.
 */
export class TelegestionPipeline {
  private readonly logger = new Logger(TelegestionPipeline.name);
  /** Batches are judged one after another: alarm changes reach the store in order. */
  private chain: Promise<unknown> = Promise.resolve();
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private writing = false;
  private closing = false;
  /** Newest device time seen: the `stream` clock. */
  watermark = 0;
  private readonly mismatchSince = new Map<string, number>();
  private readonly lastReconcile = new Map<string, number>();
  private readonly lastPresence = new Map<string, number>();

  constructor(private readonly deps: PipelineDeps) {}

  /** The consumer's handler: resolves once the batch's effects are durable (then it is acknowledged). */
  async handle(msgs: InboundMessage[]): Promise<void> {
    await this.judge(await Promise.all(msgs.map((m) => this.read(m))));
  }


  /**
   * The seam after reading: judges a batch of readings in order (a rejection is counted as
   * skipped, nothing more) and resolves once their effects are durable.
   */
  async judge(readings: readonly Normalized[]): Promise<void> {
    await this.serial(() => this.judgeInOrder(readings));
    await this.durable();
  }

  private read(msg: InboundMessage): Normalized | Promise<Normalized> {
    try {
      const normalized = this.deps.normalizer.normalize(msg.topic, msg.payload, msg.receivedAtMs);
      return normalized instanceof Promise ? normalized.catch((e: Error) => new Rejection('schema', e.message)) : normalized;
    } catch (error) {
      return new Rejection('schema', (error as Error).message);
    }
  }

  /** The clock: communication loss (see DeviceRules.tick for `listeningSince`), overstays, correlation grace periods. */
  async tick(now: number, listeningSince: number | null): Promise<void> {
    await this.serial(async () => {
      const changes = this.deps.book.tick(now, listeningSince);
      const released = this.deps.correlator.tick(now);
      await this.store(changes, released);
    });
    await this.durable();
  }

  /**
   * A person closed an alarm by hand (AlarmRepository.clearByHand): the correlation lets it
   * go as it would on its rule's clear, the device's rules take the ongoing condition as
   * cleared (DeviceRules.closeByHand), and the `cleared` event goes out as for any clear.
   * Ignored unless it is the alarm the correlation holds (already taken, or a newer one).
   */
  async closedByHand(alarm: Alarm): Promise<void> {
    await this.serial(async () => this.takeClosedByHand(alarm));
    await this.durable();
  }

  /**
   * Clears by hand made while nobody listened (its LISTEN lost, or no telegestion running):
   * those of the alarms the correlation holds, and of the conditions the rules hold active
   * (after a restart the correlation no longer holds an alarm closed meanwhile).
   */
  async catchUpClosedByHand(): Promise<void> {
    await this.serial(async () => {
      const keys = new Set([...this.deps.correlator.keys(), ...this.deps.book.openConditions().keys()]);
      for (const alarm of await this.deps.alarms.closedByHandAmong([...keys])) this.takeClosedByHand(alarm);
    });
    await this.durable();
  }

  private takeClosedByHand(alarm: Alarm): void {
    const key = alarmKey(alarm.device, alarm.type);
    if (alarm.state !== 'cleared' || !this.holdsOpen(alarm)) return;
    this.deps.correlator.forget(key, this.deps.now());
    this.deps.book.closeByHand(alarm.device, alarm.type, alarm.clearedAt?.getTime() ?? Date.now());
    this.deps.metrics.alarm('cleared');
    this.deps.events.alarm({ event: 'cleared', alarm });
  }

  /** Whether this alarm is, for this instance, still open: the correlation holds it, or (not held, after a restart) its rule's condition is active and not closed by hand. */
  private holdsOpen(alarm: Alarm): boolean {
    const since = alarm.since.getTime();
    const held = this.deps.correlator.get(alarmKey(alarm.device, alarm.type));
    if (held) return held.since === since;
    return this.deps.book.openSince(alarm.device, alarm.type)?.includes(since) ?? false;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async judgeInOrder(uplinks: readonly Normalized[]): Promise<void> {
    const changes: AlarmChange[] = [];
    for (const u of uplinks) {
      this.deps.metrics.received++;
      if (u instanceof Rejection) {
        this.deps.metrics.skip(u.reason);
        continue;
      }
      this.deps.gaps.observe(u.device, u.channel === 'status' ? undefined : u.body.seq, u.ts);
      if (u.route) this.deps.commands.onRoute(u.device.id, u.route);
      if (u.channel === 'ack') {
        this.deps.commands.onAck(u.device.id, u.body);
        continue;
      }
      if (u.channel === 'status') continue;
      if (u.ts > this.watermark) this.watermark = u.ts;
      if (u.channel === 'event' && u.body.event === 'presence') this.lastPresence.set(u.device.id, u.ts);
      const lighting = u.device.type === 'lighting-controller' && u.channel === 'telemetry';
      const expected = lighting ? this.expectedLevel(u) : undefined;
      const judged = this.deps.book.observe(u.device, u.channel, u.body, u.ts, expected !== undefined ? { expectedLevelPct: expected } : {});
      if (judged === null) {
        this.deps.metrics.skip('not_newer');
        continue;
      }
      changes.push(...judged);
      if (lighting && expected !== undefined) this.reconcileLevel(u, expected);
    }
    await this.store(changes, []);
  }

  private expectedLevel(u: Reading): number | undefined {
    const rules = this.deps.book.rulesOf(u.device);
    try {
      return this.deps.programs.expectedLevel(rules.device, u.ts, this.deps.commands.overridesOf(u.device.id, u.ts), this.lastPresence.get(u.device.id));
    } catch {
      return undefined; // no sunset at that latitude (not in France): nothing expected
    }
  }

  /**
   * Desired against reported: a luminaire that has reported another level than its
   * program's for `afterMs` gets the program's level as a command (reason "schedule"),
   * held until the program's next change. Not while a command is on its way, and not more
   * than once per `minIntervalMs` (a stuck relay would otherwise be commanded forever; it
   * is an alarm's business).
   */
  private reconcileLevel(u: ReadingOf<'telemetry'>, expected: number): void {
    const reported = 'level_pct' in u.body ? u.body.level_pct : undefined;
    const id = u.device.id;
    if (typeof reported !== 'number' || Math.abs(reported - expected) <= LEVEL_TOLERANCE_PCT) {
      this.mismatchSince.delete(id);
      return;
    }
    const since = this.mismatchSince.get(id);
    if (since === undefined) {
      this.mismatchSince.set(id, u.ts);
      return;
    }
    if (u.ts - since < this.deps.reconcile.afterMs || this.deps.commands.hasPending(id)) return;
    const last = this.lastReconcile.get(id);
    if (last !== undefined && u.ts - last < this.deps.reconcile.minIntervalMs) return;
    this.lastReconcile.set(id, u.ts);
    this.mismatchSince.delete(id);
    const rules = this.deps.book.rulesOf(u.device);
    const next = this.deps.programs.nextChange(rules.device, u.ts, this.deps.commands.overridesOf(id, u.ts));
    const holdMs = next !== null ? next - u.ts : DEFAULT_HOLD_MS;
    this.deps.metrics.reconciled++;
    void this.deps.commands
      .submit([u.device], 'lighting', { level_pct: expected, reason: 'schedule' }, { reason: 'schedule', expiresAt: this.deps.now() + holdMs, createdBy: 'reconciliation', target: { devices: [id] } })
      .catch((e: Error) => this.logger.warn(`reconciliation command for ${id} not stored: ${e.message}`));
  }

  /** Correlates, then stores the changes and the states of their devices in one transaction; events after the commit. */
  private async store(changes: AlarmChange[], released: string[]): Promise<void> {
    if (changes.length === 0 && released.length === 0) return;
    const correlated: Correlated[] = changes.map((c) => this.deps.correlator.apply(c));
    const withChanges = this.deps.book.takeDirtyOf(new Set(changes.map((c) => c.device)));
    // The rules' state has moved on: these changes cannot be recomputed from a redelivery,
    // so they are retried until stored, holding the batch (and the broker's backlog) meanwhile.
    const transitions = await this.retrying('alarm changes', () => {
      // The usual case, a few independent changes: one statement, one round trip.
      if (released.length === 0 && withChanges.length <= RULE_STATES_PER_STATEMENT && AlarmRepository.oneStatementFits(correlated)) {
        const params: unknown[] = [];
        const states = this.deps.states.upsertStatement(withChanges, params);
        return this.deps.alarms.applyInOneStatement(this.deps.db, correlated, { sql: states, params });
      }
      return this.deps.db.tx(async (tx) => {
        const out = await this.deps.alarms.apply(tx, correlated);
        out.push(...(await this.deps.alarms.release(tx, released)));
        await this.deps.states.save(withChanges, tx);
        return out;
      });
    });
    for (const t of transitions) {
      this.deps.metrics.alarm(t.event);
      this.deps.events.alarm(t);
    }
  }

  /**
   * Resolves once every rule state changed before the call is written. Callers that arrive
   * while a write runs share the next one (group commit): states are written back to back,
   * not once per batch.
   */
  durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      try {
        const states = this.deps.book.takeDirty();
        if (states.length) await this.retrying('rule states', () => this.deps.states.save(states));
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error as Error);
      }
    }
    this.writing = false;
  }

  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (this.closing) throw error;
        if (attempt % 10 === 0) this.logger.warn(`${what} not written (attempt ${attempt + 1}, retrying): ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  /** Stops retrying (shutdown): what is not written stays unacknowledged and comes back. */
  close(): void {
    this.closing = true;
  }
}
