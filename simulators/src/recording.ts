import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * Recordings of simulated streams: gzip-compressed JSONL, a header line
 * `{"format":"hv-sim-recording","version":1}` then one line per message
 * `{"t":<ts or null>,"topic":"…","payload_b64":"…","qos":0|1}`, each line ending in `\n`.
 * The sha256 of the uncompressed content (header included) is the stream hash: the same
 * seed gives the same hash. Everything streams (backpressured gzip on the way out,
 * readline over gunzip on the way in), so a million messages never sit in memory.
 */

export const RECORDING_FORMAT = 'hv-sim-recording';
export const RECORDING_VERSION = 1;

/** What can be recorded: a SimMessage, a LorawanMessage, a RecordedMessage… */
export interface RecordableMessage {
  topic: string;
  payload: Buffer | string;
  /** Epoch ms, used to pace a replay; absent or null is recorded as `"t":null`. */
  ts?: number | null;
  /** Absent is recorded as 1 (FleetPublisher's default). */
  qos?: 0 | 1;
}

/** One message as read back from a recording. */
export interface RecordedMessage {
  /** The recorded `t`, epoch ms, or null. */
  ts: number | null;
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
}

export interface RecordingSummary {
  messages: number;
  /** Uncompressed bytes (the content the sha256 covers), header included. */
  bytes: number;
  /** Size of the gzip file on disk. */
  compressedBytes: number;
  /** Hex sha256 of the uncompressed content: the stream hash. */
  sha256: string;
}

/** A line of a recording that cannot be read; `line` is 1-based (line 1 is the header). */
export class RecordingFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly field: string | undefined,
    detail: string,
    override readonly cause?: unknown,
  ) {
    super(`${path}: line ${line}${field ? `, field "${field}"` : ''}: ${detail}`);
    this.name = 'RecordingFormatError';
  }
}

const HEADER_LINE = `${JSON.stringify({ format: RECORDING_FORMAT, version: RECORDING_VERSION })}\n`;
/** Uncompressed bytes gathered before a write to gzip. */
const CHUNK_BYTES = 64 * 1024;

/** The JSONL line of one message, `\n` included. Throws on what cannot be recorded. */
function messageLine(m: RecordableMessage, index: number): string {
  if (typeof m.topic !== 'string' || m.topic === '') throw new TypeError(`message ${index}: topic must be a non-empty string`);
  const ts = m.ts ?? null;
  if (ts !== null && !Number.isFinite(ts)) throw new TypeError(`message ${index}: ts must be a finite number, got ${ts}`);
  const qos = m.qos ?? 1;
  if (qos !== 0 && qos !== 1) throw new TypeError(`message ${index}: qos must be 0 or 1, got ${String(qos)}`);
  const payload = typeof m.payload === 'string' ? Buffer.from(m.payload, 'utf8') : m.payload;
  if (!Buffer.isBuffer(payload)) throw new TypeError(`message ${index}: payload must be a Buffer or a string`);
  return `${JSON.stringify({ t: ts, topic: m.topic, payload_b64: payload.toString('base64'), qos })}\n`;
}

/**
 * Records `messages` to `path` (gzip JSONL, see the module comment) and returns the
 * message count, the uncompressed size and the stream hash. Messages are pulled one
 * chunk at a time as gzip and the disk accept them. The file is written under a
 * temporary name and renamed at the end: a failed recording leaves no partial file.
 */
export async function recordStream(
  messages: Iterable<RecordableMessage> | AsyncIterable<RecordableMessage>,
  path: string,
): Promise<RecordingSummary> {
  const writer = new RecordingWriter(path);
  try {
    for await (const m of messages) {
      writer.write(m);
      await writer.drained();
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}

/**
 * Records messages as they happen (a live run, its acks included), when they cannot be
 * pulled from an iterable: `write()` each, then `close()` for the summary. Writes go
 * through gzip in chunks of about CHUNK_BYTES; what gzip has not yet flushed stays in
 * memory, which at the simulators' rates (tens of MB/s for gzip, a few MB/s of JSONL)
 * stays small. Written under a temporary name and renamed by `close()`; `abort()` leaves
 * no file. `recordStream` is the same writer fed from an iterable, with backpressure.
 */
export class RecordingWriter {
  private readonly hash = createHash('sha256');
  private readonly gzip = createGzip();
  private readonly partial: string;
  private readonly done: Promise<void>;
  private parts: string[] = [HEADER_LINE];
  private size = HEADER_LINE.length;
  private counts = { messages: 0, bytes: 0 };
  private closed = false;

  constructor(readonly path: string) {
    this.partial = `${path}.${process.pid}.partial`;
    this.done = pipeline(this.gzip, createWriteStream(this.partial));
    // Surfaced by close(); without a handler a failed disk would be an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get messages(): number {
    return this.counts.messages;
  }

  write(m: RecordableMessage): void {
    if (this.closed) throw new Error(`recording ${this.path} is closed`);
    const line = messageLine(m, this.counts.messages);
    this.counts.messages++;
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= CHUNK_BYTES) this.flush();
  }

  /** Resolves once gzip has room again (at once when it has): for writers that can wait. */
  async drained(): Promise<void> {
    // Racing `done`: a failed disk rejects here rather than leaving the wait for 'drain' hanging.
    if (this.gzip.writableNeedDrain) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  async close(): Promise<RecordingSummary> {
    if (this.closed) throw new Error(`recording ${this.path} is already closed`);
    this.flush();
    this.closed = true;
    this.gzip.end();
    try {
      await this.done;
      await rename(this.partial, this.path);
    } catch (error) {
      await rm(this.partial, { force: true });
      throw error;
    }
    const { size } = await stat(this.path);
    return { messages: this.counts.messages, bytes: this.counts.bytes, compressedBytes: size, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    this.closed = true;
    this.gzip.destroy();
    await this.done.catch(() => undefined);
    await rm(this.partial, { force: true });
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.hash.update(chunk);
    this.counts.bytes += chunk.length;
    this.parts = [];
    this.size = 0;
    this.gzip.write(chunk);
  }
}

/**
 * The sha256 `recordStream` would return for these messages, without writing anything:
 * to check that a seeded stream is deterministic.
 */
export function streamHash(messages: Iterable<RecordableMessage>): string {
  const hash = createHash('sha256');
  hash.update(HEADER_LINE);
  let index = 0;
  for (const m of messages) hash.update(messageLine(m, index++));
  return hash.digest('hex');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseHeader(path: string, line: string | undefined): void {
  if (line === undefined) throw new RecordingFormatError(path, 1, undefined, `empty file, expected the header ${HEADER_LINE.trim()}`);
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch (error) {
    throw new RecordingFormatError(path, 1, undefined, `not an ${RECORDING_FORMAT} header (not JSON): ${excerpt(line)}`, error);
  }
  if (!isObject(header) || header.format !== RECORDING_FORMAT) {
    throw new RecordingFormatError(path, 1, 'format', `not an ${RECORDING_FORMAT} file, header is ${excerpt(line)}`);
  }
  if (header.version !== RECORDING_VERSION) {
    throw new RecordingFormatError(path, 1, 'version', `unsupported version ${JSON.stringify(header.version)} (this reader knows ${RECORDING_VERSION})`);
  }
}

function parseLine(path: string, n: number, line: string): RecordedMessage {
  if (line === '') throw new RecordingFormatError(path, n, undefined, 'empty line');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new RecordingFormatError(path, n, undefined, `not JSON: ${excerpt(line)}`, error);
  }
  if (!isObject(value)) throw new RecordingFormatError(path, n, undefined, `expected a JSON object, got ${excerpt(line)}`);
  const { t, topic, payload_b64: b64, qos } = value;
  if (t !== null && (typeof t !== 'number' || !Number.isFinite(t))) {
    throw new RecordingFormatError(path, n, 't', `expected epoch ms or null, got ${excerpt(JSON.stringify(t) ?? 'nothing')}`);
  }
  if (typeof topic !== 'string' || topic === '') {
    throw new RecordingFormatError(path, n, 'topic', `expected a non-empty string, got ${excerpt(JSON.stringify(topic) ?? 'nothing')}`);
  }
  if (typeof b64 !== 'string' || !BASE64.test(b64)) {
    throw new RecordingFormatError(path, n, 'payload_b64', `expected a base64 string, got ${excerpt(JSON.stringify(b64) ?? 'nothing')}`);
  }
  if (qos !== 0 && qos !== 1) {
    throw new RecordingFormatError(path, n, 'qos', `expected 0 or 1, got ${excerpt(JSON.stringify(qos) ?? 'nothing')}`);
  }
  return { ts: t, topic, payload: Buffer.from(b64, 'base64'), qos };
}

/**
 * Reads a recording back, one message at a time (readline over gunzip: memory stays
 * flat whatever the size). Throws a RecordingFormatError naming the line and the field
 * on a bad header or line, and on gzip data that is corrupt or truncated.
 */
export async function* readRecording(path: string): AsyncGenerator<RecordedMessage, void, undefined> {
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  const lines = createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    const iterator = lines[Symbol.asyncIterator]();
    let header: string | undefined;
    try {
      const first = await iterator.next();
      header = first.done ? undefined : first.value;
      if (!first.done) n = 1;
      parseHeader(path, header);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        n++;
        yield parseLine(path, n, next.value);
      }
    } catch (error) {
      throw readError(path, n, error);
    }
  } finally {
    lines.close();
    file.destroy();
    gunzip.destroy();
  }
}

function readError(path: string, n: number, error: unknown): unknown {
  if (error instanceof RecordingFormatError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'Z_DATA_ERROR') {
    return new RecordingFormatError(path, n + 1, undefined, `not gzip data or corrupt (${(error as Error).message})`, error);
  }
  if (code === 'Z_BUF_ERROR') {
    return new RecordingFormatError(path, n + 1, undefined, `truncated recording: the gzip data ends after line ${n} (${(error as Error).message})`, error);
  }
  return error;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
