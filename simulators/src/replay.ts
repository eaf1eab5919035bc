import type { MqttClient } from 'mqtt';
import { performance } from 'node:perf_hooks';
import { FleetPublisher, FleetPublishError, type PublishResult } from './publisher';
import { isObject, readRecording, RecordingFormatError, type RecordedMessage } from './recording';

/** Replaying a recording (recording.ts) against a running stack, at any speed. */

export interface ReplayOptions {
  /**
   * 1 (default) replays at the recorded pace, from the `t` deltas; 4 four times faster;
   * 0 or Infinity as fast as the window allows. Messages with `t` null, or with a `t`
   * earlier than one already sent, go out at once.
   */
  speed?: number;
  /** Most QoS 1 publishes awaiting their PUBACK at once (FleetPublisher); default 1,000. */
  window?: number;
  /**
   * Rewrites the top-level `ts` of JSON object payloads, e.g. `(ts) => ts + shift` so an
   * old recording is not rejected as too old. The payload is parsed and re-serialised
   * with JSON.stringify, so its bytes differ from the recording's (key order is kept,
   * but any other formatting is not). Payloads that are not JSON objects with a numeric
   * `ts` (LoRaWAN uplinks, invalid messages) go out unchanged. Pacing still uses `t`.
   */
  restamp?: (recordedTs: number) => number;
  /** Stops the replay; what is in flight still completes. */
  signal?: AbortSignal;
}

/** Longest a batch waits for the next message's time, ms (as FleetPublisher's tick). */
const TICK_MS = 10;

/**
 * Publishes a recording over `client` with FleetPublisher (bounded in-flight QoS 1, each
 * message at its recorded QoS), paced by the recorded timestamps divided by `speed`.
 * Reading and publishing overlap: the next batch is read while the current one is in
 * flight. Rejects with a FleetPublishError (totals over the whole replay) if the
 * connection is lost, with a RecordingFormatError on a bad line (after what was read
 * before it has been published).
 */
export async function replayRecording(path: string, client: MqttClient, options: ReplayOptions = {}): Promise<PublishResult> {
  const speed = options.speed ?? 1;
  if (Number.isNaN(speed) || speed < 0) throw new RangeError(`speed must be positive, 0 or Infinity, got ${speed}`);
  const paced = speed > 0 && Number.isFinite(speed);
  const window = options.window ?? 1_000;
  // Paced: small batches, sent when the next message is not due yet. Unpaced: a few
  // windows per publish() call, so the drain at the end of each call costs little.
  const batchMax = paced ? window : window * 4;
  const publisher = new FleetPublisher(client);
  const restamp = options.restamp;
  const signal = options.signal;

  const totals = { published: 0, acked: 0, failed: 0, maxInFlight: 0 };
  let pending: Promise<{ result?: PublishResult; error?: unknown }> | undefined;
  let batch: RecordedMessage[] = [];
  const started = performance.now();

  const settle = async () => {
    if (!pending) return;
    const { result, error } = await pending;
    pending = undefined;
    const r = result ?? (error instanceof FleetPublishError ? error.result : undefined);
    if (r) {
      totals.published += r.published;
      totals.acked += r.acked;
      totals.failed += r.failed;
      totals.maxInFlight = Math.max(totals.maxInFlight, r.maxInFlight);
    }
    if (error instanceof FleetPublishError) throw new FleetPublishError(`replay of ${path}: ${error.message}`, summary(), error.cause);
    if (error !== undefined) throw error;
  };
  const flush = async () => {
    await settle();
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    // Handled at once, so a failure while the next batch is read is not an unhandled rejection.
    pending = publisher.publish(sending, { window, signal }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
  };
  const summary = (): PublishResult => {
    const elapsedMs = performance.now() - started;
    return { ...totals, elapsedMs, ratePerS: elapsedMs > 0 ? (totals.acked * 1000) / elapsedMs : 0 };
  };

  let firstTs: number | undefined;
  try {
    try {
      for await (const m of readRecording(path)) {
        if (signal?.aborted) break;
        if (paced && m.ts !== null) {
          firstTs ??= m.ts;
          const due = started + (m.ts - firstTs) / speed;
          if (due - performance.now() > TICK_MS) {
            await flush();
            await sleep(due - performance.now(), signal);
            if (signal?.aborted) break;
          }
        }
        batch.push(restamp ? restampMessage(m, restamp) : m);
        if (batch.length >= batchMax) await flush();
      }
    } catch (error) {
      // A bad line: what came before it still goes out, as with a live stream.
      if (error instanceof RecordingFormatError && !signal?.aborted) await flush();
      throw error;
    }
    if (!signal?.aborted) await flush();
    await settle();
  } finally {
    // A read error or an abort: let what was handed to the publisher finish first.
    if (pending) await pending;
  }
  return summary();
}

/** `m` with its JSON payload's top-level `ts` rewritten; `m` itself when there is none. */
export function restampMessage<M extends { payload: Buffer }>(m: M, restamp: (recordedTs: number) => number): M {
  let body: unknown;
  try {
    body = JSON.parse(m.payload.toString('utf8'));
  } catch {
    return m;
  }
  if (!isObject(body) || typeof body.ts !== 'number') return m;
  const ts = restamp(body.ts);
  if (!Number.isFinite(ts)) throw new RangeError(`restamp(${body.ts}) returned ${ts}`);
  return { ...m, payload: Buffer.from(JSON.stringify({ ...body, ts }), 'utf8') };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
