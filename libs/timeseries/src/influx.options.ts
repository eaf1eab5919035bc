/** Nest injection token of the InfluxOptions that InfluxRepository uses. */
export const INFLUX_OPTIONS = Symbol('INFLUX_OPTIONS');

/**
 * Where and how to reach InfluxDB through its v1 HTTP API (`/write`, `/query`, `/ping`):
 * InfluxDB 1.x natively, 2.x through its v1-compatibility API (database + retention policy
 * mapped to a bucket, password = token), 3.x the same way.
 */
export interface InfluxOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086`; a path prefix (behind a proxy) is kept. */
  url: string;
  database: string;
  /** Sent as HTTP Basic auth, which 1.x and 2.x/3.x v1-compat all accept. */
  username?: string;
  password?: string;
  /** Whole-request deadline, ms (connect, send, answer). Default 10,000 (10 s). */
  timeoutMs?: number;
  /** `rp` of writes and queries; the database's default retention policy when absent. */
  retentionPolicy?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000; // 10 s: a 5,000-line write takes ~30 ms when healthy
/** A ping answers in ms when InfluxDB is up; /health must not wait the whole write deadline. */
export const DEFAULT_PING_TIMEOUT_MS = 2_000;
/**
 * Sockets kept open to InfluxDB. The batch writer has 2 writes in flight; queries from the
 * API and health checks share the rest. More would only add server-side contention.
 */
export const MAX_SOCKETS = 8;
