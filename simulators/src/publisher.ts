import type { MqttClient } from 'mqtt';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToIo } from 'node:timers/promises';

export { connectDevice, connectGateway, connectMqtt, type ConnectOptions } from './connect';

/** Anything with a topic and a payload: a SimMessage, a LorawanMessage, an InvalidMessage. */
export interface Publishable {
  topic: string;
  payload: Buffer | string;
  /** Overrides the run's QoS for this message (The Things Stack uplinks are QoS 0). */
  qos?: 0 | 1;
}

export interface PublishOptions<M extends Publishable> {
  /** Messages per second; unpaced (as fast as the window allows) when absent. */
  ratePerS?: number;
  /** Most publishes awaiting their PUBACK (QoS 1) or their write (QoS 0) at once; default 1,000. */
  window?: number;
  /** Default 1. */
  qos?: 0 | 1;
  retain?: boolean;
  /** Called on each PUBACK (QoS 1) or completed write (QoS 0), with the time since publish, ms. */
  onAcked?(message: M, latencyMs: number): void;
  /** Stops feeding new messages; what is in flight still completes. */
  signal?: AbortSignal;
  /**
   * Wall-clock ms to wait before this message may go (a scenario's simulated clock:
   * `m => clock.wallDelayUntil(m.ts)`); 0 sends it now. Combines with `ratePerS`.
   */
  delayOf?(message: M): number;
  /**
   * The connection this message goes out on (one connection per device); default the
   * publisher's client. The run ends early only when the publisher's own client is lost
   * for good: give the others a reconnection period so what they hold is resent.
   */
  clientOf?(message: M): MqttClient;
  /** Called as each message is handed to mqtt.js, in stream order. */
  onSent?(message: M): void;
}

export interface PublishResult {
  published: number;
  acked: number;
  /** Publishes whose callback reported an error (or never completed: connection lost). */
  failed: number;
  elapsedMs: number;
  /** Acknowledged messages per second over the run. */
  ratePerS: number;
  /** Largest number of publishes in flight at once (never above the window). */
  maxInFlight: number;
}

/** The run ended early because the connection was lost; `result` holds what was done. */
export class FleetPublishError extends Error {
  constructor(
    message: string,
    readonly result: PublishResult,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'FleetPublishError';
  }
}

const DEFAULT_WINDOW = 1_000;
/** Pacing tick, ms: each tick publishes the tokens earned since the last one. */
const TICK_MS = 10;
/** Tokens kept after a stall, in seconds of rate: bounds the catch-up burst. */
const BURST_S = 0.1;
/** Longest sleep while waiting for a token, ms (keeps a slow run responsive to abort). */
const MAX_SLEEP_MS = 250;

/**
 * Publishes message streams over one mqtt.js client with a bounded number of publishes
 * in flight (an unbounded publish loop stalls mqtt.js's event loop) and, when
 * a rate is set, a token bucket refilled once per tick, so pacing costs one timer per
 * tick rather than one per message.
 */
export class FleetPublisher {
  /** Running totals of the current (or last) run, for progress lines. */
  readonly stats = { published: 0, acked: 0, failed: 0, inFlight: 0 };
  private running = false;

  constructor(readonly client: MqttClient) {}

  async publish<M extends Publishable>(messages: Iterable<M>, options: PublishOptions<M> = {}): Promise<PublishResult> {
    const window = options.window ?? DEFAULT_WINDOW;
    if (!Number.isInteger(window) || window < 1 || window > 65_535) throw new RangeError(`window must be 1..65535 (MQTT packet ids), got ${window}`);
    const rate = options.ratePerS;
    if (rate !== undefined && !(rate > 0)) throw new RangeError(`ratePerS must be positive, got ${rate}`);
    if (!this.client.connected && !this.client.options.reconnectPeriod) throw new Error('the MQTT client is not connected');
    // One run at a time: two would share the window and the stats.
    if (this.running) throw new Error('FleetPublisher.publish() is already running on this client');
    this.running = true;

    const client = this.client;
    const qos = options.qos ?? 1;
    const retain = options.retain ?? false;
    const stats = this.stats;
    stats.published = stats.acked = stats.failed = stats.inFlight = 0;
    let maxInFlight = 0;
    let firstError: unknown;
    let lost = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    // With no reconnection, mqtt.js keeps QoS 1 publishes pending forever once the socket
    // is gone: treat the close as the end of the run.
    const onClose = () => {
      if (!client.options.reconnectPeriod || client.disconnecting) {
        lost = true;
        notify();
      }
    };
    client.on('close', onClose);

    const started = performance.now();
    const iterator = messages[Symbol.iterator]();
    const delayOf = options.delayOf;
    /** A message taken from the iterator and not yet sent (held back by `delayOf`). */
    let held: M | undefined;
    let exhausted = false;
    let tokens = rate === undefined ? 0 : Math.min(1, rate * BURST_S);
    let refilledAt = started;
    const burst = rate === undefined ? 0 : Math.max(1, rate * BURST_S);

    const clientOf = options.clientOf;
    const send = (m: M) => {
      const sentAt = performance.now();
      const via = clientOf ? clientOf(m) : client;
      stats.published++;
      stats.inFlight++;
      if (stats.inFlight > maxInFlight) maxInFlight = stats.inFlight;
      options.onSent?.(m);
      via.publish(m.topic, m.payload, { qos: m.qos ?? qos, retain }, (error) => {
        stats.inFlight--;
        if (error) {
          stats.failed++;
          firstError ??= error;
        } else {
          stats.acked++;
          options.onAcked?.(m, performance.now() - sentAt);
        }
        notify();
      });
    };

    try {
      while (!exhausted && !lost && !options.signal?.aborted) {
        let budget = window - stats.inFlight;
        if (rate !== undefined) {
          const now = performance.now();
          tokens = Math.min(burst, tokens + ((now - refilledAt) * rate) / 1000);
          refilledAt = now;
          budget = Math.min(budget, Math.floor(tokens));
        }
        if (budget <= 0) {
          if (stats.inFlight >= window) await new Promise<void>((resolve) => (wake = resolve));
          else await sleep(Math.min(MAX_SLEEP_MS, Math.max(TICK_MS, ((1 - tokens) * 1000) / rate!)));
          continue;
        }
        let waitMs = 0;
        for (let k = 0; k < budget; k++) {
          let m = held;
          held = undefined;
          if (m === undefined) {
            const next = iterator.next();
            if (next.done) {
              exhausted = true;
              break;
            }
            m = next.value;
          }
          if (delayOf && (waitMs = delayOf(m)) > 0) {
            held = m;
            break;
          }
          send(m);
          if (rate !== undefined) tokens--;
        }
        if (held !== undefined) {
          await sleep(Math.min(MAX_SLEEP_MS, Math.max(1, waitMs)));
          continue;
        }
        // Let mqtt.js read PUBACKs and flush the socket before the next batch.
        if (rate !== undefined) await sleep(TICK_MS);
        else await yieldToIo();
      }
      while (stats.inFlight > 0 && !lost) await new Promise<void>((resolve) => (wake = resolve));
    } finally {
      this.running = false;
      client.off('close', onClose);
      iterator.return?.();
    }

    const elapsedMs = performance.now() - started;
    const result: PublishResult = {
      published: stats.published,
      acked: stats.acked,
      failed: stats.failed + (lost ? stats.inFlight : 0),
      elapsedMs,
      ratePerS: elapsedMs > 0 ? (stats.acked * 1000) / elapsedMs : 0,
      maxInFlight,
    };
    if (lost) throw new FleetPublishError(`connection lost after ${result.acked} of ${result.published} publishes were acknowledged`, result, firstError);
    return result;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
