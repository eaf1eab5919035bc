import { Logger } from '@nestjs/common';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/** What both the pool and a transaction's client offer: repositories' helpers accept either. */
export interface Queryable {
  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface DatabaseOptions {
  /** Pool size. pg's default (10) suits one service; the all-in-one app shares one pool. */
  max?: number;
  /** Name shown in `pg_stat_activity`, to tell services apart on a shared server. */
  applicationName?: string;
}

/** A connection that is not handed out within this long fails instead of queueing forever, ms. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Idle connections are closed after this long, ms (pg's default, spelled out). */
const IDLE_TIMEOUT_MS = 10_000;

/**
 * The one door to PostgreSQL: a `pg.Pool` with its failure modes handled. A server restart
 * or a network cut makes idle connections emit 'error'; unhandled, that event would kill the
 * process, so it is logged here and the pool reconnects on the next query.
 */
export class Database implements Queryable {
  private readonly logger = new Logger(Database.name);
  private readonly pool: Pool;
  private closing: Promise<void> | undefined;

  constructor(url: string, options: DatabaseOptions = {}) {
    this.pool = new Pool({
      connectionString: url,
      max: options.max,
      application_name: options.applicationName ?? 'hyperviseur',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
    });
    this.pool.on('error', (err) => this.logger.warn(`idle PostgreSQL connection failed: ${err.message}`));
  }

  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    return this.pool.query<T>(sql, params as unknown[] | undefined);
  }

  /**
   * Run `fn` on one dedicated connection (session state such as advisory locks lives on it).
   * A connection that failed while checked out is destroyed rather than returned to the pool.
   */
  async withClient<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let broken: Error | undefined;
    // While checked out, pg-pool's own listener is detached: without this one a connection
    // dropped between two queries would emit an unhandled 'error' and end the process.
    const onError = (err: Error): void => {
      broken = err;
      this.logger.warn(`PostgreSQL connection failed while in use: ${err.message}`);
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (error) {
      broken ??= isConnectionError(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** Run `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A failed ROLLBACK (connection gone) must not hide the error that caused it.
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Reachability for /health: resolves true, or rejects with the reason. */
  async ping(): Promise<boolean> {
    await this.pool.query('SELECT 1');
    return true;
  }

  /** Close every connection; calling it again (shutdown hooks, tests) is harmless. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/**
 * Errors after which a connection cannot be trusted: PostgreSQL's connection-exception and
 * operator-intervention classes (SQLSTATE 08xxx, 57Pxx), socket errors (ECONNRESET, EPIPE…)
 * and pg's own "Connection terminated". Application errors thrown inside `fn` keep it pooled.
 */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E'))) return true;
  return /connection terminated/i.test(error.message);
}
