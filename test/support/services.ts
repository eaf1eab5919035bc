/**
 * Real services for integration/e2e tests and benchmarks: InfluxDB 1.x, PostgreSQL 15 and
 * Mosquitto 2.0, managed by `infra/services.sh` (which installs them with apt-get when
 * missing, starts them on loopback with project-local data, and stops them by PID).
 *
 * Test instances use their own run dir (`<repo>/.hv/test`) and ports, distinct from the dev
 * defaults (`.hv/dev`, 18086/15432/11883), so a running demo does not collide with a test run.
 * Tests isolate themselves by creating their own PostgreSQL database and InfluxDB database
 * (`createTestDatabase`, `createTestInfluxDb`) and dropping them afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface ServiceEnv {
  runDir: string;
  influxUrl: string;
  pgUrl: string;
  mosquittoUrl: string;
  influxPort: number;
  pgPort: number;
  mosquittoPort: number;
}

export type ServiceName = 'influxdb' | 'postgres' | 'mosquitto';
export type ServiceAction = 'start' | 'stop' | 'restart';

const TEST_PORTS = { influx: 28086, pg: 25432, mosquitto: 21883 } as const;

let cachedRoot: string | undefined;

/** The repository root: the nearest ancestor holding both package.json and infra/services.sh. */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (const start of [__dirname, process.cwd()]) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'infra', 'services.sh'))) {
        cachedRoot = dir;
        return dir;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`repoRoot: no ancestor of ${__dirname} or ${process.cwd()} holds infra/services.sh`);
}

/** Build a ServiceEnv for a run dir and ports (all services on 127.0.0.1). */
export function serviceEnv(runDir: string, influxPort: number, pgPort: number, mosquittoPort: number): ServiceEnv {
  return {
    runDir,
    influxUrl: `http://127.0.0.1:${influxPort}`,
    pgUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
    mosquittoUrl: `mqtt://127.0.0.1:${mosquittoPort}`,
    influxPort,
    pgPort,
    mosquittoPort,
  };
}

/** The test instances: `<repo>/.hv/test`, InfluxDB 28086, PostgreSQL 25432, Mosquitto 21883. */
export function testServiceEnv(): ServiceEnv {
  return serviceEnv(join(repoRoot(), '.hv', 'test'), TEST_PORTS.influx, TEST_PORTS.pg, TEST_PORTS.mosquitto);
}

/** Environment variables that make `infra/services.sh` manage the instances of `env`. */
export function serviceScriptEnv(env: ServiceEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HV_RUN_DIR: env.runDir,
    HV_INFLUX_PORT: String(env.influxPort),
    HV_PG_PORT: String(env.pgPort),
    HV_MOSQUITTO_PORT: String(env.mosquittoPort),
  };
}

/**
 * Run `bash infra/services.sh <action> <which>` for the instances of `env`. stdin is not
 * inherited; stdout and stderr are collected and the promise rejects with them when the
 * script fails (its error message carries the service's log tail).
 */
export function services(
  action: ServiceAction,
  which: ServiceName | 'all' = 'all',
  env: ServiceEnv = testServiceEnv(),
): Promise<void> {
  const root = repoRoot();
  return new Promise<void>((resolvePromise, reject) => {
    const child = spawn('bash', [join(root, 'infra', 'services.sh'), action, which], {
      cwd: root,
      env: serviceScriptEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.on('error', (err) => reject(new Error(`services ${action} ${which}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new Error(
            `services ${action} ${which} failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n${output.join('')}`,
          ),
        );
    });
  });
}

/** A lowercase identifier: prefix (sanitised) + '_' + random suffix, at most 63 characters. */
export function uniqueName(prefix: string): string {
  let base = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[a-z_]/.test(base)) base = `t_${base}`;
  const suffix = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return `${base.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withPg<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Create a uniquely named PostgreSQL database on the server of `env.pgUrl`. `drop()` ends
 * every connection to it and drops it (`DROP DATABASE ... WITH (FORCE)`); it is idempotent.
 */
export async function createTestDatabase(
  prefix: string,
  env: ServiceEnv = testServiceEnv(),
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix);
  await withPg(env.pgUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return {
    url: databaseUrl(env.pgUrl, name),
    name,
    drop: async () => {
      await withPg(env.pgUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

interface InfluxResponse {
  results?: Array<{
    statement_id?: number;
    error?: string;
    series?: Array<{ name: string; columns: string[]; values?: unknown[][]; tags?: Record<string, string> }>;
  }>;
  error?: string;
}

/** Run InfluxQL through the v1 `/query` endpoint (POST, form-encoded) and fail on any error. */
export async function influxQuery(url: string, q: string, db?: string): Promise<InfluxResponse> {
  const body = new URLSearchParams({ q });
  if (db !== undefined) body.set('db', db);
  const res = await fetch(new URL('/query', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await res.text();
  let json: InfluxResponse;
  try {
    json = JSON.parse(text) as InfluxResponse;
  } catch {
    throw new Error(`InfluxDB ${url} /query ${JSON.stringify(q)}: HTTP ${res.status} ${text.slice(0, 500)}`);
  }
  const error = json.error ?? json.results?.find((r) => r.error)?.error;
  if (!res.ok || error) {
    throw new Error(`InfluxDB ${url} /query ${JSON.stringify(q)}: HTTP ${res.status} ${error ?? text.slice(0, 500)}`);
  }
  return json;
}

/** Quote an InfluxQL identifier (database, measurement, field). */
export function influxIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Create a uniquely named InfluxDB database (v1 `/query`, `CREATE DATABASE`). `url` is the
 * server's base URL (write with `POST {url}/write?db={db}`); `drop()` drops the database.
 */
export async function createTestInfluxDb(
  prefix: string,
  env: ServiceEnv = testServiceEnv(),
): Promise<{ url: string; db: string; drop(): Promise<void> }> {
  const db = uniqueName(prefix);
  await influxQuery(env.influxUrl, `CREATE DATABASE ${influxIdent(db)}`);
  return {
    url: env.influxUrl,
    db,
    drop: async () => {
      // DROP DATABASE of a database that does not exist is not an error in InfluxDB 1.x.
      await influxQuery(env.influxUrl, `DROP DATABASE ${influxIdent(db)}`);
    },
  };
}

/**
 * Number of points of `measurement` in `db`, via `SELECT count(*) FROM measurement [WHERE ...]`.
 *
 * InfluxQL's `count(*)` counts, per field, the points that carry that field (one column per
 * field, all series merged, whole time range unless `where` bounds it). This returns the
 * largest of those counts, which is the number of points whenever at least one field is
 * present in every point (the usual case: each reading has its value field); with sparse
 * fields it is a lower bound. Points with the same series and timestamp are one point (a
 * rewrite overwrites), so redelivered writes do not add to it. 0 when there is no series.
 * `where` is raw InfluxQL placed after `WHERE` (e.g. `"device" = 'lamp-1' AND time > now() - 1h`).
 */
export async function influxCount(url: string, db: string, measurement: string, where?: string): Promise<number> {
  const q = `SELECT count(*) FROM ${influxIdent(measurement)}${where ? ` WHERE ${where}` : ''}`;
  const json = await influxQuery(url, q, db);
  let max = 0;
  for (const series of json.results?.[0]?.series ?? []) {
    for (const row of series.values ?? []) {
      series.columns.forEach((column, i) => {
        const v = row[i];
        if (column !== 'time' && typeof v === 'number' && v > max) max = v;
      });
    }
  }
  return max;
}
