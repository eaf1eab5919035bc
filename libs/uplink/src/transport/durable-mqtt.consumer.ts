import { Logger } from '@nestjs/common';
import mqtt, { type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { AckQueue } from './ack-queue';

export interface InboundMessage {
  topic: string;
  payload: Buffer;
  receivedAtMs: number;
}

export interface DurableMqttOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Topic filters to subscribe to at QoS 1. */
  filters: string[];
  /** With a group, filters become `$share/{group}/{filter}` (MQTT 5 / Mosquitto 2 / EMQX). */
  sharedGroup?: string;
  /** Received-but-unacknowledged messages; past this the socket is not read (backpressure). */
  maxInflight: number;
  /** MQTT keepalive, seconds (30 unless told). */
  keepaliveS?: number;
  /**
   * After the read that starts a group, the socket's data waits this long, ms, before it
   * is parsed: what arrives meanwhile is handled in one go (0, the default: at once).
   */
  readLingerMs?: number;
}

/** Inbound packets push the keepalive back at most this often, ms (a timer reset per message is waste). */
const INBOUND_KEEPALIVE_EVERY_MS = 1_000;

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/** Receives every message parsed in one turn of the event loop; resolves once they reached their end. */
export type InboundHandler = (msgs: InboundMessage[]) => Promise<unknown>;

/**
 * An MQTT consumer on mqtt.js that acknowledges a QoS 1 message only once its
 * handler has made it durable (stored, spooled, or dead-lettered).
 *
 * Why not Nest's built-in MQTT transport: it acks before the handler finishes and rewrites
 * payloads with `data`/`pattern`/`id` keys (a payload with `id` even triggers a reply). Why not mqtt.js's own handleMessage
 * callback: mqtt.js reads the next packet only after that callback, so holding it until a
 * 5,000-line batch is written would allow one message in flight. Instead the callback is
 * called at once (bounded by maxInflight), the PUBACK mqtt.js then sends is withheld, and
 * the AckQueue sends it, in arrival order, when the handler's promise resolves.
 *
 * Persistent session (clean: false): what was not acknowledged when the process died is
 * redelivered by the broker; writes are idempotent, so a redelivery overwrites itself.
 */
export class DurableMqttConsumer {
  private readonly logger: Logger;
  private client: MqttClient | undefined;
  private readonly acks = new AckQueue((messageId) => this.sendAck(messageId));
  private blocked: (() => void) | undefined;
  private group: InboundMessage[] = [];
  private groupAcks: Array<() => void> = [];
  private groupScheduled = false;
  private lingering: NodeJS.Timeout | undefined;
  /** The socket was resumed after a linger: what it buffered flows into one group, unpaused. */
  private draining = false;
  private closing = false;
  /** PUBACK ids released in this tick, written together at its end. */
  private pendingAcks: number[] = [];
  private connectCount = 0;

  constructor(
    private readonly options: DurableMqttOptions,
    private readonly handler: InboundHandler,
    name = 'DurableMqttConsumer',
  ) {
    this.logger = new Logger(name);
  }

  get inflight(): number {
    return this.acks.size;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connections made so far (a change means the consumer was away in between). */
  get connections(): number {
    return this.connectCount;
  }

  /** Connects and subscribes; `onFirstConnect` runs once, on the first connection. */
  start(onFirstConnect: () => void = () => undefined): void {
    const o = this.options;
    const client = mqtt.connect(o.url, {
      clientId: o.clientId,
      clean: false,
      protocolVersion: 4, // MQTT 3.1.1: aedes speaks nothing newer
      username: o.username,
      password: o.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      keepalive: o.keepaliveS ?? 30,
      // mqtt.js traces every packet through `debug`, which costs a call and its arguments
      // per message even when disabled: a no-op unless DEBUG asks for traces.
      ...(process.env.DEBUG ? {} : { log: () => undefined }),
    });
    this.client = client;
    this.interceptPubacks(client);
    this.countInboundAsAlive(client);
    client.handleMessage = (packet, done) => this.onPublish(packet, done);
    let first = true;
    client.on('connect', () => {
      this.connectCount++;
      const filters = o.filters.map((f) => (o.sharedGroup ? `$share/${o.sharedGroup}/${f}` : f));
      client.subscribe(filters, { qos: 1 }, (error, granted) => {
        const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
        if (error || refused.length) this.logger.error(`subscription refused: ${error?.message ?? refused.join(', ')}`);
      });
      if (first) {
        first = false;
        onFirstConnect();
      }
    });
    // Acks pending for the old connection must not reach the new one: forget them.
    client.on('close', () => {
      this.endLinger();
      this.acks.reset();
      this.pendingAcks = [];
      this.unblock();
    });
    client.on('error', (error) => this.logger.warn(`broker connection: ${error.message}`));
  }

  private onPublish(packet: IPublishPacket, done: (error?: Error) => void): void {
    this.groupAcks.push(this.acks.enqueue(packet.qos > 0 ? packet.messageId : undefined));
    this.group.push({ topic: packet.topic, payload: packet.payload as Buffer, receivedAtMs: Date.now() });
    if (!this.groupScheduled) {
      this.groupScheduled = true;
      setImmediate(() => this.dispatchGroup());
      this.linger();
    }
    if (this.acks.size < this.options.maxInflight && !this.closing) done();
    else this.blocked = () => done();
  }

  /**
   * Read coalescing, as a Kafka consumer's fetch.max.wait.ms: at a few thousand messages a
   * second each socket read brings one or two, and each read pays the stream, the parser's
   * set-up, a dispatch and a handler call, code run cold after idle. Pausing the socket for
   * readLingerMs after the read that starts a group lets the next ones pile up in its buffer;
   * they are then parsed and handled back to back in one turn. At full rate a read is full
   * anyway and the pause costs nothing; a message waits at most readLingerMs more.
   */
  private linger(): void {
    const stream = this.client?.stream;
    const ms = this.options.readLingerMs ?? 0;
    if (ms <= 0 || !stream || this.lingering || this.draining || this.closing || !stream.readableFlowing) return;
    stream.pause();
    this.lingering = setTimeout(() => {
      this.lingering = undefined;
      this.draining = true;
      stream.resume();
    }, ms);
  }

  private endLinger(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    this.draining = false;
  }

  /**
   * Everything parsed since the last turn of the event loop goes to the handler as one
   * array: Nest's per-call machinery (context, pipes, interceptors, promises) is paid once
   * per socket read rather than once per message (per message, it was most of the garbage).
   */
  private dispatchGroup(): void {
    const msgs = this.group;
    const finishes = this.groupAcks;
    this.group = [];
    this.groupAcks = [];
    this.groupScheduled = false;
    this.draining = false;
    void this.dispatch(msgs).then(() => {
      for (const finish of finishes) finish();
    });
  }

  /** Ends at the handler, which never rejects: every message is stored, spooled or dead-lettered there. */
  private async dispatch(msgs: InboundMessage[]): Promise<void> {
    try {
      await this.handler(msgs);
    } catch (error) {
      // A handler bug: the messages are acknowledged only after this line is logged, with
      // their topics, so that they are not lost silently.
      this.logger.error(`uplink handler failed on ${msgs.length} messages (${msgs.slice(0, 3).map((m) => m.topic).join(', ')}…): ${(error as Error).stack ?? error}`);
    }
  }

  /**
   * mqtt.js counts only PINGRESP and acks of its own publishes as signs of a live broker,
   * not the PUBLISH packets it receives. A consumer catching up on a backlog (a persistent
   * session after a restart, a flood it reads slower than it arrives) finds its PINGRESP
   * queued behind thousands of messages it has not read yet, declares a keepalive timeout,
   * reconnects, gets the backlog again, and so on. Every inbound
   * packet is proof the broker is alive, as in Paho's inbound-activity check; when nothing
   * arrives for the keepalive period, the ping goes out as before.
   */
  private countInboundAsAlive(client: MqttClient): void {
    let last = 0;
    client.on('packetreceive', () => {
      const now = Date.now();
      if (now - last < INBOUND_KEEPALIVE_EVERY_MS) return;
      last = now;
      client.reschedulePing(true);
    });
  }

  private interceptPubacks(client: MqttClient): void {
    const internal = client as unknown as { _sendPacket: SendPacket };
    const original = internal._sendPacket.bind(client);
    internal._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd === 'puback') {
        cb?.(); // lets mqtt.js parse the next packet; the AckQueue sends the real PUBACK
        return;
      }
      original(packet, cb, ...rest);
    };
  }

  private sendAck(messageId: number): void {
    if (this.client?.connected) {
      if (this.pendingAcks.length === 0) process.nextTick(() => this.writeAcks());
      this.pendingAcks.push(messageId);
    }
    if (this.blocked && this.acks.size < this.options.maxInflight) this.unblock();
  }

  /**
   * A written batch releases thousands of PUBACKs in one go. A PUBACK is 4 bytes (MQTT
   * 3.1.1 §3.4: 0x40, remaining length 2, the packet id): they are encoded here into one
   * buffer and one socket write, rather than through mqtt.js' packet writer, which makes
   * three stream writes and emits an event per packet.
   */
  private writeAcks(): void {
    const ids = this.pendingAcks;
    this.pendingAcks = [];
    const stream = this.client?.stream;
    if (!stream || !this.client?.connected || ids.length === 0) return;
    const bytes = Buffer.allocUnsafe(ids.length * 4);
    for (let i = 0, at = 0; i < ids.length; i++, at += 4) {
      bytes[at] = 0x40;
      bytes[at + 1] = 2;
      bytes.writeUInt16BE(ids[i]!, at + 2);
    }
    stream.write(bytes);
  }

  private unblock(): void {
    const resume = this.blocked;
    this.blocked = undefined;
    resume?.();
  }

  /** Stops reading, lets pending acks go out (up to 5 s), then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.lingering) {
      this.endLinger();
      this.client?.stream.resume(); // the acks to come are read as they arrive
    }
    const deadline = Date.now() + 5_000;
    while (this.acks.size > 0 && this.client?.connected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.client?.endAsync();
  }

  /** The underlying client (services publish on the same connection). */
  get mqttClient(): MqttClient | undefined {
    return this.client;
  }
}
