import type { MqttClient } from 'mqtt';
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
 * Answers commands for simulated devices: every message on a `…/{device}/cmd` topic that
 * reaches an attached connection is applied, after the device's delay, to that device's
 * model (so its next telemetry reflects it) and answered on the same connection with an
 * `ack` carrying the state the device is then in. One responder serves one device on its
 * own connection (LiveDevice) or a whole fleet behind a gateway connection.
 */
export class CommandResponder {
  readonly stats: CommandStats = { received: 0, answered: 0, failed: 0, missed: 0, ignored: 0 };
  private readonly missedOnce = new Set<string>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly detachers: Array<() => void> = [];
  private readonly clock: () => number;
  private readonly wallDelayMs: number;
  private stopped = false;

  constructor(
    private readonly lookup: (deviceId: string) => DeviceSim | undefined,
    private readonly options: CommandResponderOptions = {},
  ) {
    const speed = options.speed ?? 1;
    if (!(speed >= 0)) throw new RangeError(`speed must be ≥ 0, got ${speed}`);
    const failShare = options.failShare ?? 0;
    if (!(failShare >= 0 && failShare <= 1)) throw new RangeError(`failShare must be in 0..1, got ${failShare}`);
    this.clock = options.clock ?? Date.now;
    const delay = options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS;
    this.wallDelayMs = speed === 0 ? 0 : delay / speed;
  }

  /** Listens to the commands arriving on `client` and answers on it. Subscribing is the caller's. */
  attach(client: MqttClient): void {
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

  private onMessage(client: MqttClient, topic: string, payload: Buffer): void {
    if (!topic.endsWith('/cmd')) return;
    this.stats.received++;
    const parsed = parseDeviceTopic(topic);
    const sim = parsed.ok && parsed.topic.channel === 'cmd' ? this.lookup(parsed.topic.device) : undefined;
    if (!sim) {
      this.stats.ignored++;
      return;
    }
    if (this.shouldMiss(payload)) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (this.stopped) return;
      const fail = this.shouldFail(payload);
      const ack = sim.handleCommand(payload, this.clock(), { fail });
      if (!ack) {
        this.stats.ignored++;
        return;
      }
      this.stats.answered++;
      if (fail && ack.payload.includes('"status":"failed"')) this.stats.failed++;
      client.publish(ack.topic, ack.payload, { qos: 1 });
      this.options.onAck?.(ack);
    }, this.wallDelayMs);
    this.pending.add(timer);
  }

  /** Whether this delivery is the first one of a command whose first delivery is missed (missShare). */
  private shouldMiss(payload: Buffer): boolean {
    const share = this.options.missShare ?? 0;
    if (share === 0) return false;
    const id = /"cmd_id"\s*:\s*"([^"]{1,64})"/.exec(payload.toString('utf8'))?.[1];
    if (id === undefined || this.missedOnce.has(id)) return false;
    if (share < 1 && new Random(this.options.seed ?? 0, 'cmd-miss', id).next() >= share) return false;
    this.missedOnce.add(id);
    this.stats.missed++;
    return true;
  }

  /** Whether this command is one of the `failShare` answered `failed`: a pure function of the seed and cmd_id. */
  private shouldFail(payload: Buffer): boolean {
    const share = this.options.failShare ?? 0;
    if (share === 0) return false;
    if (share === 1) return true;
    const id = /"cmd_id"\s*:\s*"([^"]{1,64})"/.exec(payload.toString('utf8'))?.[1] ?? '';
    return new Random(this.options.seed ?? 0, 'cmd-fail', id).next() < share;
  }
}
