import { parseDeviceTopic } from '@hv/contracts';
import type { DeviceSim, SimMessage } from './device-sim';
import { Random, type Seed } from './random';

export interface CommandResponderOptions {
  /** Simulated time a device takes to apply a command and answer, ms (field devices: ~0.2–2 s; default 300). */
  ackDelayMs?: number;
  /**
   * Simulated seconds per wall-clock second (the scenario's speed): the ack comes
   * `ackDelayMs / speed` wall-clock ms after the command; 0 answers at once. Default 1.
   */
  speed?: number;
  /** Simulated now, epoch ms: the clock the fleet shares (default Date.now). */
  clock?: () => number;
  /** Share of valid commands answered `failed` without being applied (default 0), drawn from `seed` and the cmd_id. */
  failShare?: number;
  /**
   * Share of commands whose first delivery the device misses (radio loss, asleep), drawn
   * from `seed` and the cmd_id: ignored once, answered when the platform sends it again.
   */
  missShare?: number;
  seed?: Seed;
  /** Called with every ack published. */
  onAck?(ack: SimMessage): void;
}

export interface CommandStats {
  /** Messages that arrived on a cmd topic. */
  received: number;
  /** Acks published (any status). */
  answered: number;
  /** Of which answered `failed` on purpose (failShare). */
  failed: number;
  /** First deliveries missed on purpose (missShare). */
  missed: number;
  /**
   * Commands left unanswered, as a real device would: for a device this fleet does not
   * have, or a payload with no usable cmd_id (there is nothing to answer to).
   */
  ignored: number;
}

const DEFAULT_ACK_DELAY_MS = 300;

/**
 * What attach() needs of a connection; an mqtt.js MqttClient is one. Narrow, so the
 * logic can be driven without a broker.
 */
export interface CommandConnection {
  on(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  off(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1 }): unknown;
}

/** A command that reached one of our devices, and how its ack goes back. */
export interface ReceivedCommand {
  sim: DeviceSim;
  /** The native command payload (what DeviceSim.handleCommand reads). */
  command: Buffer | string;
  /** Its cmd_id when it has a usable one (fail and miss draws are keyed on it). */
  cmdId: string | undefined;
  /** The message that carries the device's ack back (the native ack, or an uplink). */
  reply(ack: SimMessage): { topic: string; payload: Buffer; qos: 0 | 1 };
}

/**
 * What every simulated command path shares: the device's delay on the fleet's clock, the
 * deterministic failures and missed first deliveries, the counts, and stopping. Each path
 * says only which messages are commands and how an ack goes back (`receive`).
 */
export abstract class CommandResponderBase {
  readonly stats: CommandStats = { received: 0, answered: 0, failed: 0, missed: 0, ignored: 0 };
  private readonly missedOnce = new Set<string>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly detachers: Array<() => void> = [];
  private readonly clock: () => number;
  private readonly wallDelayMs: number;
  private stopped = false;

  constructor(protected readonly options: CommandResponderOptions = {}) {
    const speed = options.speed ?? 1;
    if (!(speed >= 0)) throw new RangeError(`speed must be ≥ 0, got ${speed}`);
    const failShare = options.failShare ?? 0;
    if (!(failShare >= 0 && failShare <= 1)) throw new RangeError(`failShare must be in 0..1, got ${failShare}`);
    this.clock = options.clock ?? Date.now;
    const delay = options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS;
    this.wallDelayMs = speed === 0 ? 0 : delay / speed;
  }

  /**
   * The command this message carries: undefined when the topic is not a command topic
   * (not counted), null when it is one nobody here can answer (counted as ignored, as a
   * real device would leave it: not its own, or not decodable).
   */
  protected abstract receive(topic: string, payload: Buffer): ReceivedCommand | null | undefined;

  /** Called after each ack is published (the subclass's own hook). */
  protected answered(_ack: SimMessage, _out: { topic: string; payload: Buffer; qos: 0 | 1 }): void {}

  /** Listens to the commands arriving on `client` and answers on it. Subscribing is the caller's. */
  attach(client: CommandConnection): void {
    const onMessage = (topic: string, payload: Buffer) => this.onMessage(client, topic, payload);
    client.on('message', onMessage);
    this.detachers.push(() => client.off('message', onMessage));
  }

  /** Stops answering: commands not yet answered are dropped (the device was switched off). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    for (const detach of this.detachers.splice(0)) detach();
  }

  private onMessage(client: CommandConnection, topic: string, payload: Buffer): void {
    const received = this.receive(topic, payload);
    if (received === undefined) return;
    this.stats.received++;
    if (received === null) {
      this.stats.ignored++;
      return;
    }
    if (this.shouldMiss(received.cmdId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (this.stopped) return;
      const fail = this.shouldFail(received.cmdId);
      const ack = received.sim.handleCommand(received.command, this.clock(), { fail });
      if (!ack) {
        this.stats.ignored++;
        return;
      }
      this.stats.answered++;
      if (fail && ack.payload.includes('"status":"failed"')) this.stats.failed++;
      const out = received.reply(ack);
      client.publish(out.topic, out.payload, { qos: out.qos });
      this.options.onAck?.(ack);
      this.answered(ack, out);
    }, this.wallDelayMs);
    this.pending.add(timer);
  }

  /** Whether this delivery is the first one of a command whose first delivery is missed (missShare). */
  private shouldMiss(id: string | undefined): boolean {
    const share = this.options.missShare ?? 0;
    if (share === 0 || id === undefined || this.missedOnce.has(id)) return false;
    if (share < 1 && new Random(this.options.seed ?? 0, 'cmd-miss', id).next() >= share) return false;
    this.missedOnce.add(id);
    this.stats.missed++;
    return true;
  }

  /** Whether this command is one of the `failShare` answered `failed`: a pure function of the seed and cmd_id, whichever path it took. */
  private shouldFail(id: string | undefined): boolean {
    const share = this.options.failShare ?? 0;
    if (share === 0) return false;
    if (share === 1) return true;
    return new Random(this.options.seed ?? 0, 'cmd-fail', id ?? '').next() < share;
  }
}

/** The cmd_id of a native command payload, without parsing it (the device does that). */
export const cmdIdOf = (payload: Buffer | string): string | undefined => /"cmd_id"\s*:\s*"([^"]{1,64})"/.exec(payload.toString())?.[1];

/**
 * Answers commands for simulated devices: every message on a `…/{device}/cmd` topic that
 * reaches an attached connection is applied, after the device's delay, to that device's
 * model (so its next telemetry reflects it) and answered on the same connection with an
 * `ack` carrying the state the device is then in. One responder serves one device on its
 * own connection (LiveDevice) or a whole fleet behind a gateway connection.
 */
export class CommandResponder extends CommandResponderBase {
  constructor(
    private readonly lookup: (deviceId: string) => DeviceSim | undefined,
    options: CommandResponderOptions = {},
  ) {
    super(options);
  }

  protected receive(topic: string, payload: Buffer): ReceivedCommand | null | undefined {
    if (!topic.endsWith('/cmd')) return undefined;
    const parsed = parseDeviceTopic(topic);
    const sim = parsed.ok && parsed.topic.channel === 'cmd' ? this.lookup(parsed.topic.device) : undefined;
    if (!sim) return null;
    return { sim, command: payload, cmdId: cmdIdOf(payload), reply: (ack) => ({ topic: ack.topic, payload: ack.payload, qos: 1 }) };
  }
}
