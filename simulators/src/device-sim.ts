import { CMD_SCHEMAS, COMMAND_ID_PATTERN, deviceTopic, type DeviceCommand, type UplinkChannel } from '@hv/contracts';
import { Environment } from './env/environment';
import { FaultEventQueue, type FaultPlan } from './faults';
import type { SimDevice } from './fleet';
import { ackFor, createModel, statusPayload, type DeviceModel, type StatusReason } from './models';
import type { Seed } from './random';

/** One uplink as a device publishes it. */
export interface SimMessage {
  topic: string;
  payload: Buffer;
  device: SimDevice;
  channel: UplinkChannel;
  /** The payload's per-device sequence number; −1 for a status, whose payload has none. */
  seq: number;
  /** The payload's `ts`, epoch ms. */
  ts: number;
}

export interface DeviceSimOptions {
  seed: Seed;
  /** Shared weather and schedules; default: one built from `seed`. */
  env?: Environment;
  /** Sequence number of the first seq-bearing uplink (default 0). */
  firstSeq?: number;
  /** Injected faults the model consults, and whose fault events the device owes (faults.ts). */
  faults?: FaultPlan;
}

const CHANNEL_INDEX: Record<UplinkChannel, number> = { telemetry: 0, event: 1, status: 2, ack: 3 };
/** `seq` is a uint32 on the wire (DEVICE-CONTRACT.md). */
const SEQ_MODULO = 2 ** 32;

/**
 * A simulated device: its model, its sequence counter and its topics. Timestamps are
 * whole milliseconds and strictly increasing per channel (a repeat would overwrite the
 * previous point in InfluxDB), so a `ts` at or before the last one is moved 1 ms past it.
 */
export class DeviceSim {
  readonly model: DeviceModel;
  private readonly topics: Record<UplinkChannel, string>;
  private readonly lastTs = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  private nextSeq: number;
  private readonly faults: FaultPlan | null;
  private readonly faultEvents: FaultEventQueue | null;

  constructor(
    readonly device: SimDevice,
    options: DeviceSimOptions,
  ) {
    this.model = createModel(device, options.env ?? new Environment(options.seed), options.seed);
    this.nextSeq = options.firstSeq ?? 0;
    this.faults = options.faults ?? null;
    this.model.faults = this.faults;
    const transitions = this.faults?.transitions(device.id) ?? [];
    this.faultEvents = transitions.length ? new FaultEventQueue(transitions) : null;
    const topic = (channel: UplinkChannel) => deviceTopic(device.tenant, device.domain, device.id, channel);
    this.topics = { telemetry: topic('telemetry'), event: topic('event'), status: topic('status'), ack: topic('ack') };
  }

  /** Topic of one of the device's channels. */
  topic(channel: UplinkChannel): string {
    return this.topics[channel];
  }

  /** Where the device reads its commands. */
  get commandTopic(): string {
    return deviceTopic(this.device.tenant, this.device.domain, this.device.id, 'cmd');
  }

  /** Sequence number the next telemetry, event or ack will carry. */
  get seq(): number {
    return this.nextSeq;
  }

  telemetry(ts: number): SimMessage {
    const at = this.stamp('telemetry', ts);
    const seq = this.takeSeq();
    return this.message('telemetry', { ts: at, seq, ...this.model.telemetry(at) }, seq, at);
  }

  event(ts: number): SimMessage {
    const at = this.stamp('event', ts);
    const seq = this.takeSeq();
    return this.message('event', { ts: at, seq, ...this.model.event(at) }, seq, at);
  }

  /** Whether an injected communication loss keeps the device silent at `ts`. */
  silent(ts: number): boolean {
    return this.faults !== null && this.faults.silent(this.device.id, ts);
  }

  /**
   * The `fault_raised` / `fault_cleared` event an injected fault owes at `ts` (one at a
   * time, oldest first), or null when none is due.
   */
  faultEvent(ts: number): SimMessage | null {
    const due = this.faultEvents?.next(ts);
    if (!due) return null;
    const at = this.stamp('event', ts);
    const seq = this.takeSeq();
    return this.message('event', { ts: at, seq, ...due }, seq, at);
  }

  status(ts: number, reason: StatusReason = 'boot'): SimMessage {
    const at = this.stamp('status', ts);
    return this.message('status', statusPayload(at, reason), -1, at);
  }

  /**
   * Applies a command to the model and answers with the state it is then in. With `fail`,
   * the device does not apply it and answers `failed` with its unchanged state (a driver
   * that did not respond, a relay that stuck).
   */
  ack(cmd: DeviceCommand, ts: number, options: { fail?: boolean } = {}): SimMessage {
    const at = this.stamp('ack', ts);
    const status = options.fail ? 'failed' : this.model.apply(cmd, at);
    const seq = this.takeSeq();
    const body = ackFor(this.device.domain, cmd, at, seq, { status, reported: this.model.reported(at) });
    return this.message('ack', body, seq, at);
  }

  /**
   * A command as received on the cmd topic → the ack to publish; null when the payload
   * has no usable `cmd_id` (there is nothing to answer to). A payload that is not a valid
   * command for the device's domain is answered `rejected`; `fail` answers a valid one
   * `failed` without applying it.
   */
  handleCommand(payload: Buffer | string, ts: number, options: { fail?: boolean } = {}): SimMessage | null {
    let body: unknown;
    try {
      body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
    } catch {
      return null;
    }
    const parsed = CMD_SCHEMAS[this.device.domain].safeParse(body);
    if (parsed.success) return this.ack(parsed.data as DeviceCommand, ts, options);
    const cmdId = (body as { cmd_id?: unknown } | null)?.cmd_id;
    if (typeof cmdId !== 'string' || !COMMAND_ID_PATTERN.test(cmdId)) return null;
    const at = this.stamp('ack', ts);
    const seq = this.takeSeq();
    return this.message('ack', { cmd_id: cmdId, ts: at, seq, status: 'rejected' }, seq, at);
  }

  private stamp(channel: UplinkChannel, ts: number): number {
    const i = CHANNEL_INDEX[channel];
    const at = Math.max(Math.floor(ts), this.lastTs[i]! + 1);
    this.lastTs[i] = at;
    return at;
  }

  private takeSeq(): number {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) % SEQ_MODULO;
    return seq;
  }

  private message(channel: UplinkChannel, body: object, seq: number, ts: number): SimMessage {
    return { topic: this.topics[channel], payload: Buffer.from(JSON.stringify(body)), device: this.device, channel, seq, ts };
  }
}
