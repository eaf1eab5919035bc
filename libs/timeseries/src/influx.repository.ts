import { Inject, Injectable } from '@nestjs/common';
import type { Point } from '@hv/contracts';
import { decode } from '@msgpack/msgpack';
import { errorFromAnswer, InfluxHttp, MSGPACK } from './influx.http';
import { DEFAULT_PING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, INFLUX_OPTIONS, type InfluxOptions } from './influx.options';
import { influxIdent, type ColumnSeries, type QueryParams, type QueryResult, type Row, type Series } from './influxql';
import { serializePoints } from './line-protocol';
import { InfluxRejectedError, InfluxUnavailableError } from './timeseries.errors';

/** /query's answer, JSON or MessagePack of the same shape (InfluxDB 1.x format, also what 2.x/3.x v1-compat answer in JSON). */
interface RawResponse {
  results?: Array<{
    statement_id?: number;
    error?: string;
    series?: Array<{ name?: string; tags?: Record<string, string>; columns?: string[]; values?: unknown[][] }>;
  }>;
  error?: string;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * InfluxDB through its v1 HTTP API, the one path InfluxDB 1.x, 2.x (v1 compatibility) and
 * 3.x all serve: `/write` with line protocol, `/query` with InfluxQL, `/ping`.
 * Errors: InfluxUnavailableError (retryable: spool and replay) or InfluxRejectedError (not).
 */
@Injectable()
export class InfluxRepository {
  private readonly http: InfluxHttp;
  private readonly timeoutMs: number;
  /** Built once: write() is the ingest hot path. */
  private readonly writePath: string;

  constructor(@Inject(INFLUX_OPTIONS) private readonly options: InfluxOptions) {
    this.http = new InfluxHttp(new URL(options.url), options.username, options.password);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // precision=ms: Point.timestampMs is what the serialiser writes.
    const params = new URLSearchParams({ db: options.database, precision: 'ms' });
    if (options.retentionPolicy !== undefined) params.set('rp', options.retentionPolicy);
    this.writePath = `/write?${params}`;
  }

  /**
   * Writes a line-protocol body (lines ending in `\n`, timestamps in ms). Resolves on 2xx (204).
   * A 400 "partial write" means the other lines ARE stored: see InfluxRejectedError.partial.
   */
  async write(body: string, retentionPolicy?: string): Promise<void> {
    const path = retentionPolicy === undefined ? this.writePath : this.writePathTo(retentionPolicy);
    const answer = await this.http.request({ method: 'POST', path, body, timeoutMs: this.timeoutMs });
    if (answer.status < 200 || answer.status >= 300) throw errorFromAnswer(answer.status, answer.body);
  }

  /**
   * Serialises and writes; InvalidPointError (nothing written) when a point cannot be stored.
   * `retentionPolicy` writes into that policy instead of the configured one (the rollups
   * computed outside InfluxQL, in `h1`).
   */
  async writePoints(points: readonly Point[], options: { retentionPolicy?: string } = {}): Promise<void> {
    if (points.length === 0) return;
    await this.write(serializePoints(points), options.retentionPolicy);
  }

  private writePathTo(retentionPolicy: string): string {
    return `/write?${new URLSearchParams({ db: this.options.database, precision: 'ms', rp: retentionPolicy })}`;
  }

  /**
   * Runs one InfluxQL statement against the database (`time` in Unix ms). Pass values as
   * `$name` bound parameters rather than splicing them in. Bounds on `time` as ISO strings
   * (`time >= $from`, `from: new Date(ms).toISOString()`): InfluxQL reads an integer there
   * as nanoseconds, and ms × 10⁶ is past JSON's exact integers. A statement error (unknown
   * database, bad syntax) is an InfluxRejectedError (status 200 when only the statement failed).
   */
  async query<T = Row>(influxql: string, params?: QueryParams): Promise<QueryResult<T>> {
    const results = await this.queryMulti<T>(influxql, params);
    return results[0] ?? { series: [] };
  }

  /**
   * Runs `;`-separated statements in one request and returns one result per statement, in
   * order. Throws the first statement's error, if any: InfluxDB still ran the others.
   */
  async queryMulti<T = Row>(influxql: string, params?: QueryParams): Promise<QueryResult<T>[]> {
    const results = await this.queryColumns(influxql, params);
    return results.map((series) => ({ series: series.map((s) => flattenSeries<T>(s)) }));
  }

  /**
   * As queryMulti, each statement's series as InfluxDB answers them (`columns` and one array
   * of `values` per row): for a caller that reads hundreds of rows and builds its own
   * objects, one object per row fewer.
   */
  async queryColumns(influxql: string, params?: QueryParams): Promise<ColumnSeries[][]> {
    const form = new URLSearchParams({ q: influxql, db: this.options.database, epoch: 'ms' });
    if (this.options.retentionPolicy !== undefined) form.set('rp', this.options.retentionPolicy);
    if (params !== undefined) form.set('params', JSON.stringify(params));
    const raw = await this.postQuery(form, true);
    return (raw.results ?? []).map((result) => {
      if (result.error !== undefined) {
        throw new InfluxRejectedError(`statement ${result.statement_id ?? 0}: ${result.error}`, 200);
      }
      return (result.series ?? []).map((s) => ({ name: s.name ?? '', tags: s.tags ?? {}, columns: s.columns ?? [], values: s.values ?? [] }));
    });
  }

  /** Resolves when InfluxDB answers /ping with 2xx (1.x/2.x: 204, 3.x: 200); else InfluxUnavailableError. */
  async ping(timeoutMs = Math.min(DEFAULT_PING_TIMEOUT_MS, this.timeoutMs)): Promise<void> {
    const answer = await this.http.request({ method: 'GET', path: '/ping', timeoutMs });
    // Any other answer means "not usable now", even a 4xx: /health reports down, nothing is rejected.
    if (answer.status < 200 || answer.status >= 300) {
      throw new InfluxUnavailableError(`InfluxDB /ping answered ${answer.status}`, answer.status);
    }
  }

  /** `CREATE DATABASE` (a no-op when it exists). 3.x creates databases on first write instead. */
  async createDatabase(name = this.options.database): Promise<void> {
    await this.admin(`CREATE DATABASE ${influxIdent(name)}`);
  }

  /** `DROP DATABASE` (a no-op when it does not exist), with all its data. */
  async dropDatabase(name = this.options.database): Promise<void> {
    await this.admin(`DROP DATABASE ${influxIdent(name)}`);
  }

  /** Closes the kept-alive sockets; later calls fail with InfluxUnavailableError. */
  close(): void {
    this.http.close();
  }

  /** A statement that is not scoped to the configured database (it may not exist yet). */
  private async admin(statement: string): Promise<void> {
    const raw = await this.postQuery(new URLSearchParams({ q: statement }));
    const failed = raw.results?.find((r) => r.error !== undefined);
    if (failed) throw new InfluxRejectedError(failed.error!, 200);
  }

  /**
   * POST, not GET: 1.x refuses CREATE/DROP over GET, and a form body has no URL length limit.
   * `msgpack`: the answer asked as MessagePack, which InfluxDB encodes and this process
   * decodes in about half the CPU of JSON (30 days of a luminaire's hourly means: 72 kB
   * instead of 143 kB). An answer that does not decode as MessagePack is asked again as JSON:
   * @msgpack/msgpack refuses a map key `__proto__` (a field or tag so named), which
   * JSON.parse keeps as an own property.
   */
  private async postQuery(form: URLSearchParams, msgpack = false): Promise<RawResponse> {
    const answer = await this.http.request({
      method: 'POST',
      path: '/query',
      body: form.toString(),
      contentType: FORM,
      accept: msgpack ? MSGPACK : undefined,
      timeoutMs: this.timeoutMs,
    });
    const ok = answer.status >= 200 && answer.status < 300;
    let raw: RawResponse;
    if (answer.msgpack !== undefined) {
      try {
        raw = decode(answer.msgpack) as RawResponse;
      } catch {
        if (ok) return this.postQuery(form, false);
        throw errorFromAnswer(answer.status, `undecodable MessagePack answer (${answer.msgpack.length} bytes)`);
      }
      if (!ok) throw errorFromAnswer(answer.status, typeof raw?.error === 'string' ? raw.error : '');
    } else {
      if (!ok) throw errorFromAnswer(answer.status, answer.body);
      try {
        raw = JSON.parse(answer.body) as RawResponse;
      } catch {
        // A 2xx that is not JSON comes from something between us and InfluxDB; it may recover.
        throw new InfluxUnavailableError(`InfluxDB /query answered ${answer.status} with non-JSON: ${answer.body.slice(0, 200)}`);
      }
    }
    if (raw === null || typeof raw !== 'object') throw new InfluxUnavailableError(`InfluxDB /query answered ${answer.status} with no results object`);
    if (raw.error !== undefined) throw new InfluxRejectedError(raw.error, answer.status);
    return raw;
  }
}

/**
 * `{columns, values: [[...]]}` → rows keyed by column. Object.fromEntries defines own
 * properties, so a field named `__proto__` stays a column instead of replacing the prototype.
 */
function flattenSeries<T>(s: ColumnSeries): Series<T> {
  const rows = s.values.map((values) => Object.fromEntries(s.columns.map((c, i) => [c, values[i]])) as T);
  return { name: s.name, tags: s.tags, columns: s.columns, rows };
}
