/**
 * A closed-loop HTTP load generator: `concurrency` requests in flight at all times for a
 * fixed duration, each one's latency recorded (request written → last byte of the answer).
 * node:http on a keep-alive agent with one socket per worker, as a client behind a
 * connection pool would call the API; fetch (undici) costs several times more CPU per
 * request, and this process shares the machine with the server it measures.
 */
import { Agent, request } from 'node:http';

/** One request: a path with its query string, and the API key it presents. */
export interface Call {
  path: string;
  key: string;
}

export interface LoadOptions {
  concurrency: number;
  /** Measured duration, s. */
  seconds: number;
  /** Requests sent before the measurement (connections opened, code paths warmed), s. */
  warmupSeconds: number;
  /** Checks one answer's parsed body, every CHECK_EVERY-th one: an error message, or null when it is as expected. */
  check?: (body: unknown) => string | null;
}

export interface LoadResult {
  /** Latencies of the measured requests, ms, ascending. */
  latenciesMs: number[];
  seconds: number;
  checked: number;
  /** The slowest measured calls, slowest first. */
  slowest: Array<{ path: string; ms: number }>;
}

/** Answers parsed and checked: one in this many (parsing every body would load this process more than the server). */
const CHECK_EVERY = 25;
/** Slowest calls kept per run, for the log. */
const SLOWEST_KEPT = 5;

export class HttpError extends Error {}

/**
 * Runs the calls round-robin (each worker takes the next one) until `seconds` have passed
 * after the warm-up. A non-2xx answer or a failed check stops the run with the answer in
 * the error: a figure made of error answers would measure the wrong thing.
 */
export async function runLoad(baseUrl: string, calls: readonly Call[], options: LoadOptions): Promise<LoadResult> {
  if (calls.length === 0) throw new Error('runLoad: no calls');
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let next = 0;
  let checked = 0;
  const slowest: LoadResult['slowest'] = [];
  const t0 = performance.now();
  const measureFrom = t0 + options.warmupSeconds * 1000;
  const until = measureFrom + options.seconds * 1000;
  let failure: Error | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined && performance.now() < until) {
      const call = calls[next++ % calls.length]!;
      const check = options.check && next % CHECK_EVERY === 0 ? options.check : undefined;
      const started = performance.now();
      const { status, body } = await get(agent, url, call, check !== undefined);
      const ms = performance.now() - started;
      if (status < 200 || status > 299) throw new HttpError(`GET ${call.path}: HTTP ${status} ${body.slice(0, 500)}`);
      if (check) {
        const problem = check(JSON.parse(body));
        if (problem) throw new HttpError(`GET ${call.path}: ${problem}`);
        checked++;
      }
      if (started < measureFrom) continue;
      latencies.push(ms);
      if (slowest.length < SLOWEST_KEPT || ms > slowest[slowest.length - 1]!.ms) {
        slowest.push({ path: call.path, ms });
        slowest.sort((a, b) => b.ms - a.ms);
        slowest.length = Math.min(slowest.length, SLOWEST_KEPT);
      }
    }
  };
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, () =>
        worker().catch((error: Error) => {
          failure ??= error;
        }),
      ),
    );
  } finally {
    agent.destroy();
  }
  if (failure) throw failure;
  latencies.sort((a, b) => a - b);
  return { latenciesMs: latencies, seconds: (performance.now() - measureFrom) / 1000, checked, slowest };
}

/** One request on its own, ms (a new connection included); throws on a non-2xx answer. */
export async function timeOne(baseUrl: string, call: Call): Promise<number> {
  const agent = new Agent({ keepAlive: false });
  try {
    const started = performance.now();
    const { status, body } = await get(agent, new URL(baseUrl), call, false);
    const ms = performance.now() - started;
    if (status < 200 || status > 299) throw new HttpError(`GET ${call.path}: HTTP ${status} ${body.slice(0, 500)}`);
    return ms;
  } finally {
    agent.destroy();
  }
}

/** One GET; the body is kept as text only when it is to be checked or the status is an error. */
function get(agent: Agent, url: URL, call: Call, keepBody: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: call.path, method: 'GET', headers: { authorization: `Bearer ${call.key}` } }, (res) => {
      const status = res.statusCode ?? 0;
      const keep = keepBody || status < 200 || status > 299;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (keep) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, body: keep ? Buffer.concat(chunks).toString('utf8') : '' }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
