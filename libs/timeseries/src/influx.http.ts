import * as http from 'node:http';
import * as https from 'node:https';
import { InfluxRejectedError, InfluxUnavailableError } from './timeseries.errors';
import { MAX_SOCKETS } from './influx.options';

/** The media type of InfluxDB's MessagePack answers (1.x /query, when asked in `accept`). */
export const MSGPACK = 'application/x-msgpack';

/** What InfluxDB answered: status and body text (UTF-8), or the body's bytes when it is MessagePack. */
export interface HttpAnswer {
  status: number;
  /** The body as text; empty when the answer is MessagePack. */
  body: string;
  msgpack?: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, with its query string (`/write?db=...`). */
  path: string;
  body?: string;
  contentType?: string;
  /** The `accept` header: MSGPACK for a MessagePack answer. */
  accept?: string;
  timeoutMs: number;
}

/** Error messages are logged and kept with quarantined batches; a 5,000-line parse error can be huge. */
const MAX_MESSAGE_CHARS = 4_000;

/**
 * The server's error text: 1.x and 3.x answer `{"error": "..."}`, 2.x `{"code": ..., "message": "..."}`,
 * proxies answer HTML or nothing.
 */
export function errorMessageOf(status: number, body: string): string {
  let message: string | undefined;
  try {
    const json: unknown = JSON.parse(body);
    if (json !== null && typeof json === 'object') {
      const { error, message: msg } = json as { error?: unknown; message?: unknown };
      if (typeof error === 'string') message = error;
      else if (typeof msg === 'string') message = msg;
    }
  } catch {
    // Not JSON: use the text itself.
  }
  message ??= body.trim() || `HTTP ${status}`;
  return message;
}

function truncate(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}… (${message.length - MAX_MESSAGE_CHARS} more characters)`;
}

/**
 * Maps a non-2xx answer onto the error the caller acts on. Retry (spool and replay) only
 * what can succeed later without anyone changing anything: 5xx, 408, 429. The exception is
 * 1.x's 500 "retention policy not found", a configuration error like 404 "database not
 * found": replaying it would only loop.
 */
export function errorFromAnswer(status: number, body: string): InfluxUnavailableError | InfluxRejectedError {
  const full = errorMessageOf(status, body);
  const message = truncate(full);
  const retryable = (status >= 500 && !/retention policy not found/.test(full)) || status === 408 || status === 429;
  if (retryable) return new InfluxUnavailableError(`InfluxDB answered ${status}: ${message}`, status);
  // 1.x ends a partial write with `dropped=N`; the whole text is searched, not the truncated one.
  const dropped = /dropped=(\d+)/.exec(full);
  return new InfluxRejectedError(message, status, /partial write/.test(full), dropped ? Number(dropped[1]) : undefined);
}

/** Node's advice for keep-alive: a reused socket the server closed meanwhile fails with one of these. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * HTTP/1.1 to one InfluxDB over a keep-alive agent. node:http rather than fetch: one small
 * pool we own and close, and `reusedSocket`, which the stale-socket retry below needs.
 * Every failure to get an answer becomes an InfluxUnavailableError; interpreting answers is
 * the caller's business.
 */
export class InfluxHttp {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly basePath: string;
  private readonly headers: http.OutgoingHttpHeaders = {};
  private closed = false;

  constructor(
    private readonly url: URL,
    username?: string,
    password?: string,
  ) {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') throw new Error(`InfluxDB url must be http(s): ${url.href}`);
    this.transport = secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    this.basePath = url.pathname.replace(/\/+$/, '');
    if (username !== undefined || password !== undefined) {
      this.headers.authorization = 'Basic ' + Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64');
    }
  }

  async request(req: HttpRequest): Promise<HttpAnswer> {
    if (this.closed) throw new InfluxUnavailableError('InfluxDB client is closed');
    // Encoded once, here: its length is the content-length, and the socket sends these bytes
    // as they are instead of encoding the text again (a retry reuses them too).
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    try {
      return await this.once(req, body);
    } catch (error) {
      // Retry once: the request most likely never reached the server, and if it did, writes
      // are idempotent (same series and timestamp overwrite) and queries read.
      if (!(error instanceof StaleSocketError)) throw error;
      try {
        return await this.once(req, body);
      } catch (retryError) {
        throw retryError instanceof StaleSocketError ? retryError.unavailable : retryError;
      }
    }
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private once(req: HttpRequest, body: Buffer | undefined): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { ...this.headers };
      if (body !== undefined) {
        headers['content-type'] = req.contentType ?? 'text/plain; charset=utf-8';
        headers['content-length'] = body.length;
      }
      if (req.accept !== undefined) headers.accept = req.accept;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const where = (): string => `${req.method} ${this.url.origin}${this.basePath}${req.path.split('?')[0]}`;
      const request = this.transport.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          method: req.method,
          path: this.basePath + req.path,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => fail(new InfluxUnavailableError(`${where()}: ${error.message}`, res.statusCode, { cause: error })));
          // The connection dropped mid-answer: nothing usable arrived.
          res.on('close', () => {
            if (!res.complete) fail(new InfluxUnavailableError(`${where()}: connection closed mid-answer`, res.statusCode));
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const bytes = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            resolve(res.headers['content-type']?.startsWith(MSGPACK) ? { status, body: '', msgpack: bytes } : { status, body: bytes.toString('utf8') });
          });
        },
      );
      const timer = setTimeout(() => {
        fail(new InfluxUnavailableError(`${where()}: no answer within ${req.timeoutMs} ms`));
        request.destroy();
      }, req.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        const unavailable = new InfluxUnavailableError(`${where()}: ${error.message}`, undefined, { cause: error });
        if (request.reusedSocket && error.code !== undefined && STALE_SOCKET_CODES.has(error.code)) {
          fail(new StaleSocketError(unavailable));
        } else fail(unavailable);
      });
      request.end(body);
    });
  }
}

/** A keep-alive socket the server had closed: worth one retry on a new socket. */
class StaleSocketError extends Error {
  constructor(readonly unavailable: InfluxUnavailableError) {
    super(unavailable.message);
  }
}
