import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DeviceInfo, Domain, LorawanRoute } from '@hv/contracts';
import type { Override } from '@hv/lighting';
import type { CommandEvent, TelegestionEvents } from '../telegestion-events';
import { PENDING, type CommandRecord, type CommandStatus } from './command.model';
import { CommandBatchStore } from './command-batch.store';
import { CommandRoutes } from './command-routes';
import { CommandStateWriter } from './command-state.writer';
import type { CommandRepository } from './command.repository';

export interface CommandOptions {
  /** Commands published per second at most (token bucket). */
  ratePerS: number;
  ackTimeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
}

/** Where commands leave the process (the service's MQTT connection). */
export interface CommandTransport {
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  readonly ready: boolean;
}

/** Publishes not yet acknowledged by the broker: mqtt.js stalls when an unbounded loop floods it. */
const PUBLISH_WINDOW = 2_000;
const DISPATCH_EVERY_MS = 20;
const SCAN_EVERY_MS = 250;
const FLUSH_EVERY_MS = 200;
const MAX_RETRY_DELAY_MS = 10 * 60_000;

type BatchProgress = { tenant: string | null; left: number; devices: number; acknowledged: number; failed: number; expired: number };

/**
 * Commands from request to end: each is stored `queued` before it is sent, published at a
 * bounded rate (a group of 50,000 luminaires fans out at `ratePerS`), and ends
 * `acknowledged` (the device's ack, with the state it reports), `failed` (the device said
 * so, or no ack after `maxAttempts` sends with exponential backoff) or `expired` (its
 * `expires_at` passed first). State changes are written to PostgreSQL in batches every
 * FLUSH_EVERY_MS; a restart reloads the pending ones and sends them again with the same
 * cmd_id, which a device applies once.
 */
export class CommandService {
  private readonly logger = new Logger(CommandService.name);
  /** Pending commands by cmd_id. */
  private readonly pending = new Map<string, CommandRecord>();
  /** Pending commands per device. */
  private readonly pendingPerDevice = new Map<string, number>();
  /** Due now, in order. */
  private ready: CommandRecord[] = [];
  private readyHead = 0;
  /** Waiting for their retry instant. */
  private waiting: CommandRecord[] = [];
  /** Native topics and LoRaWAN downlinks (commands parked until a route is known). */
  private readonly routes: CommandRoutes;
  /** State changes, written behind. */
  private readonly writer: CommandStateWriter;
  /** Group commands, stored chunk by chunk. */
  private readonly store: CommandBatchStore;
  /** Acknowledged overrides in force, by device. */
  private readonly overrides = new Map<string, Override[]>();
  private readonly batches = new Map<string, BatchProgress>();
  private tokens = 0;
  private lastRefill = Date.now();
  private inWindow = 0;
  private timers: NodeJS.Timeout[] = [];
  readonly stats = { sent: 0, acknowledged: 0, failed: 0, expired: 0, retried: 0, unmatchedAcks: 0 };

  constructor(
    private readonly repository: CommandRepository,
    private readonly transport: CommandTransport,
    private readonly events: TelegestionEvents,
    private readonly options: CommandOptions,
    /** Devices that listen only through a network server (the registry knows their devEui). */
    isLorawan: (device: string) => boolean = () => false,
  ) {
    this.routes = new CommandRoutes(isLorawan);
    this.writer = new CommandStateWriter(repository, this.logger);
    this.store = new CommandBatchStore(repository, this.logger);
  }

  /** Reloads pending commands and overrides in force, then starts dispatching. */
  async start(): Promise<void> {
    // Acknowledged before the restart: in force for every reading from now on.
    for (const o of await this.repository.activeOverrides(Date.now())) this.addOverride(o, Number.NEGATIVE_INFINITY);
    const pending = await this.repository.pending();
    const now = Date.now();
    for (const c of pending) {
      this.hold(c);
      if (c.batchId) this.batchOf(c.batchId, c.tenant).left++;
      // Sent before the restart and never acknowledged: its ack may still come; else it times out.
      if (c.status === 'sent') continue;
      this.schedule(c, now);
    }
    if (pending.length) this.logger.log(`resumed ${pending.length} pending commands`);
    this.timers.push(setInterval(() => this.dispatch(), DISPATCH_EVERY_MS), setInterval(() => this.scan(), SCAN_EVERY_MS), setInterval(() => void this.writer.flush(), FLUSH_EVERY_MS));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.writer.stop();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Stores one command per device, then queues them; returns the batch id (also for a single
   * device) and the cmd_ids. `devices` are registered devices of the command's domain; the
   * caller resolved the target. Each chunk of commands is queued as soon as it is stored
   * (CommandBatchStore), so a large group starts leaving while it is still being stored
   * (each command is stored `queued` before it is sent); submit rejects as the store does.
   */
  async submit(devices: readonly DeviceInfo[], domain: Domain, body: Record<string, unknown>, meta: { reason: string; expiresAt?: number; createdBy: string; target: unknown }): Promise<{ batchId: string; commands: CommandRecord[] }> {
    const now = Date.now();
    const batchId = `b-${randomUUID()}`;
    // One body for the whole batch: records only read it.
    const sent = meta.expiresAt !== undefined ? { ...body, expires_at: meta.expiresAt } : body;
    const commands: CommandRecord[] = devices.map((d) => ({
      cmdId: `c-${randomUUID()}`,
      batchId,
      tenant: d.tenant,
      device: d.id,
      domain,
      body: sent,
      reason: meta.reason,
      status: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      expiresAt: meta.expiresAt ?? null,
      createdAt: now,
      sentAt: null,
      ackedAt: null,
      ackStatus: null,
      reported: null,
      error: null,
    }));
    const tenants = new Set(devices.map((d) => d.tenant));
    const tenant = tenants.size === 1 ? [...tenants][0]! : null;
    const batch = this.batchOf(batchId, tenant);
    // Held until every chunk is stored: the first chunks' acks must not complete the batch.
    batch.left++;
    try {
      await this.store.store({ id: batchId, tenant, target: meta.target, body, reason: meta.reason, createdBy: meta.createdBy }, commands, (chunk) => {
        for (const c of chunk) {
          this.hold(c);
          batch.left++;
          batch.devices++;
          this.ready.push(c);
        }
      });
    } finally {
      this.settle(batchId, batch);
    }
    return { batchId, commands };
  }

  /** A device's ack (native or LoRaWAN): ends the command with the state it reports. */
  onAck(device: string, ack: Record<string, unknown>, now = Date.now()): void {
    const c = typeof ack.cmd_id === 'string' ? this.pending.get(ack.cmd_id) : undefined;
    if (!c || c.device !== device) {
      // Already ended (a late ack of a retried command), or not ours: ingest stored it anyway.
      this.stats.unmatchedAcks++;
      return;
    }
    const { cmd_id: _id, ts: _ts, seq: _seq, status, ...reported } = ack;
    c.ackedAt = now;
    c.ackStatus = String(status);
    c.reported = reported;
    if (status === 'ok') {
      this.end(c, 'acknowledged', null);
      // In force from the device's own time of applying it (device time, as the readings are).
      this.addOverride(c, typeof ack.ts === 'number' ? ack.ts : now);
    } else if (status === 'expired') this.end(c, 'expired', 'the device found it expired');
    else this.end(c, 'failed', `the device answered ${String(status)}`);
  }

  /** A LoRaWAN device's uplink told its route: its downlinks go back that way. */
  onRoute(device: string, route: LorawanRoute): void {
    for (const c of this.routes.learn(device, route)) if (PENDING.has(c.status)) this.ready.push(c);
  }

  /** Overrides in force for a device (the expected level honours them). */
  overridesOf(device: string, now = Date.now()): Override[] | undefined {
    const list = this.overrides.get(device);
    if (!list) return undefined;
    const live = list.filter((o) => o.until > now);
    if (live.length === 0) this.overrides.delete(device);
    else if (live.length !== list.length) this.overrides.set(device, live);
    return live.length ? live : undefined;
  }

  /** Whether a command is on its way to this device (reconciliation waits for it). */
  hasPending(device: string): boolean {
    return this.pendingPerDevice.has(device);
  }

  private hold(c: CommandRecord): void {
    this.pending.set(c.cmdId, c);
    this.pendingPerDevice.set(c.device, (this.pendingPerDevice.get(c.device) ?? 0) + 1);
  }

  /**
   * An acknowledged level command is what the device now holds, as the contract says: until
   * its expiry, or until the next command when it has none; the newest replaces the one
   * before (the device keeps one override).
   */
  private addOverride(c: CommandRecord, fromMs: number): void {
    const level = c.body.level_pct;
    if (typeof level !== 'number') return;
    this.overrides.set(c.device, [{ id: c.cmdId, levelPct: level, issuedAt: c.createdAt, from: fromMs, until: c.expiresAt ?? Number.POSITIVE_INFINITY }]);
  }

  /** Publishes what is due, within the rate and the publish window. */
  private dispatch(): void {
    if (!this.transport.ready) return;
    const now = Date.now();
    this.tokens = Math.min(this.options.ratePerS, this.tokens + ((now - this.lastRefill) * this.options.ratePerS) / 1000);
    this.lastRefill = now;
    while (this.tokens >= 1 && this.inWindow < PUBLISH_WINDOW && this.readyHead < this.ready.length) {
      const c = this.ready[this.readyHead++]!;
      if (c.status !== 'queued') continue;
      if (c.expiresAt !== null && c.expiresAt <= now) {
        this.end(c, 'expired', 'expired before it could be sent');
        continue;
      }
      const out = this.routes.message(c, now);
      if (!out) continue; // parked until the device's route is known
      this.tokens--;
      this.inWindow++;
      c.status = 'sent';
      c.attempts++;
      c.sentAt = now;
      c.nextAttemptAt = now + this.options.ackTimeoutMs;
      this.touch(c, c.attempts > 1 ? 'retried' : 'sent');
      this.stats.sent++;
      void this.transport.publish(out.topic, out.payload, out.qos).finally(() => this.inWindow--);
    }
    if (this.readyHead > 10_000 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }

  /** Ack deadlines, retry instants, expiries. */
  private scan(): void {
    const now = Date.now();
    for (const c of this.pending.values()) {
      if (c.expiresAt !== null && c.expiresAt <= now) {
        this.end(c, 'expired', c.status === 'sent' ? 'no ack before it expired' : 'expired before it could be sent');
      } else if (c.status === 'sent' && c.nextAttemptAt <= now) {
        if (c.attempts >= this.options.maxAttempts) {
          this.end(c, 'failed', `no ack after ${c.attempts} attempts`);
        } else {
          c.status = 'queued';
          c.nextAttemptAt = now + Math.min(MAX_RETRY_DELAY_MS, this.options.retryBaseMs * 2 ** (c.attempts - 1));
          this.stats.retried++;
          this.touch(c, null);
          this.waiting.push(c);
        }
      }
    }
    if (this.waiting.length) {
      const still: CommandRecord[] = [];
      for (const c of this.waiting) {
        if (c.status !== 'queued') continue;
        if (c.nextAttemptAt <= now) this.ready.push(c);
        else still.push(c);
      }
      this.waiting = still;
    }
  }

  private schedule(c: CommandRecord, now: number): void {
    if (c.nextAttemptAt <= now) this.ready.push(c);
    else this.waiting.push(c);
  }

  private end(c: CommandRecord, status: Exclude<CommandStatus, 'queued' | 'sent'>, error: string | null): void {
    c.status = status;
    c.error = error;
    this.pending.delete(c.cmdId);
    const left = (this.pendingPerDevice.get(c.device) ?? 1) - 1;
    if (left > 0) this.pendingPerDevice.set(c.device, left);
    else this.pendingPerDevice.delete(c.device);
    this.stats[status === 'acknowledged' ? 'acknowledged' : status]++;
    this.touch(c, status);
    if (!c.batchId) return;
    const batch = this.batches.get(c.batchId);
    if (!batch) return;
    batch[status]++;
    this.settle(c.batchId, batch);
  }

  /** One command of the batch (or its storing) is over; the last one completes it. */
  private settle(id: string, batch: BatchProgress): void {
    if (--batch.left > 0) return;
    this.batches.delete(id);
    if (batch.devices > 0) this.events.batchDone(batch.tenant, { id, devices: batch.devices, acknowledged: batch.acknowledged, failed: batch.failed, expired: batch.expired });
  }

  /** Marks a record to be written (a send or a rescheduling a little later, anything else at the next flush) and tells its event. */
  private touch(c: CommandRecord, event: CommandEvent | null): void {
    if (event === 'sent' || event === 'retried' || event === null) this.writer.markSent(c);
    else this.writer.markChanged(c);
    if (event) this.events.command(event, c);
  }

  private batchOf(id: string, tenant: string | null): BatchProgress {
    let b = this.batches.get(id);
    if (!b) this.batches.set(id, (b = { tenant, left: 0, devices: 0, acknowledged: 0, failed: 0, expired: 0 }));
    return b;
  }
}
