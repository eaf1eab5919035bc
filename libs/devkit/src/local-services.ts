/**
 * Local services for the demo, the integration/e2e tests and the benchmarks: InfluxDB 1.x, PostgreSQL 15 and
 * Mosquitto 2.0, managed by `infra/services.sh` (which installs them with apt-get when
 * missing, starts them on loopback with project-local data, and stops them by PID).
 *
 * Test instances use their own run dir (`<repo>/.hv/test`) and ports, distinct from the dev
 * defaults (`.hv/dev`, 18086/15432/11883), so a running demo does not collide with a test run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
const BENCH_PORTS = { influx: 18186, pg: 15532, mosquitto: 11983 } as const;

/**
 * `HV_LOCAL_PORT_OFFSET` shifts the test and bench instances' ports, so that two checkouts
 * on one machine can run their suites side by side (each has its own `.hv/` already).
 * PostgreSQL's port must stay below 32768: ephemeral ports left in TIME_WAIT by load tests collide.
 */
export function localPortOffset(): number {
  const raw = process.env.HV_LOCAL_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 4000) {
    throw new Error(`HV_LOCAL_PORT_OFFSET must be an integer from 0 to 4000, got '${raw}'`);
  }
  return offset;
}

function shiftedEnv(runDir: string, ports: { influx: number; pg: number; mosquitto: number }): ServiceEnv {
  const o = localPortOffset();
  return serviceEnv(runDir, ports.influx + o, ports.pg + o, ports.mosquitto + o);
}

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

/** The test instances: `<repo>/.hv/test`, InfluxDB 28086, PostgreSQL 25432, Mosquitto 21883 (+ offset). */
export function testServiceEnv(): ServiceEnv {
  return shiftedEnv(join(repoRoot(), '.hv', 'test'), TEST_PORTS);
}

/** The benchmark instances: `<repo>/.hv/bench`, InfluxDB 18186, PostgreSQL 15532, Mosquitto 11983 (+ offset). */
export function benchServiceEnv(): ServiceEnv {
  return shiftedEnv(join(repoRoot(), '.hv', 'bench'), BENCH_PORTS);
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

/** The services script failed: its exit code, or the signal that killed it, and what it printed. */
export class ServiceScriptError extends Error {
  constructor(
    readonly action: ServiceAction,
    readonly which: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly output: string,
  ) {
    super(`services ${action} ${which} failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n${output}`);
  }
}

/** Attempts of a stop (idempotent) whose script a signal killed. */
const SIGNALLED_ATTEMPTS = 3;

/**
 * Run `bash infra/services.sh <action> <which>` for the instances of `env`. stdin is not
 * inherited; stdout and stderr are collected and the promise rejects with them when the
 * script fails (its error message carries the service's log tail). A stop that a signal
 * killed is run again (it is idempotent): the script ignores SIGINT only from its
 * first instruction on, and a Ctrl-C to the caller's group that lands between the fork and
 * the new process group (libuv resets the handlers and unblocks the pending signal there)
 * still kills it (a demo's quick second Ctrl-C would leave PostgreSQL up).
 */
export async function services(
  action: ServiceAction,
  which: ServiceName | 'all' = 'all',
  env: ServiceEnv = testServiceEnv(),
): Promise<void> {
  const attempts = action === 'stop' ? SIGNALLED_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runServicesScript(action, which, env);
    } catch (error) {
      if (!(error instanceof ServiceScriptError) || error.signal === null || attempt >= attempts) throw error;
    }
  }
}

function runServicesScript(action: ServiceAction, which: ServiceName | 'all', env: ServiceEnv): Promise<void> {
  const root = repoRoot();
  return new Promise<void>((resolvePromise, reject) => {
    // SIGINT ignored (inherited through exec; a non-interactive shell cannot trap it back),
    // and a process group of its own: a Ctrl-C signals the whole foreground group, and a
    // start or stop cut midway leaves a service running that nobody stops (the caller
    // decides what to stop, with its own bound). The daemons install their own SIGINT handlers.
    const child = spawn('bash', ['-c', 'trap "" INT; exec bash "$@"', 'services', join(root, 'infra', 'services.sh'), action, which], {
      cwd: root,
      env: serviceScriptEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const output: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.on('error', (err) => reject(new Error(`services ${action} ${which}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new ServiceScriptError(action, which, code, signal, output.join('')));
    });
  });
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

/** True when `infra/services.sh status` says the service of `env` runs. */
export function isRunning(name: ServiceName, env: ServiceEnv): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', [join(repoRoot(), 'infra', 'services.sh'), 'status', name], { env: serviceScriptEnv(env), stdio: 'ignore', detached: true });
    child.on('error', () => resolvePromise(false));
    child.on('close', (code) => resolvePromise(code === 0));
  });
}

/**
 * Starts those of `names` that are not running and returns them, so that the caller stops
 * only what it started (`stopServices`), and leaves alone what someone else keeps up. When
 * one fails to start, those it started before are stopped before it throws: the caller never
 * learns their names, so nobody else would.
 */
export async function ensureServices(names: ServiceName[], env: ServiceEnv): Promise<ServiceName[]> {
  const started: ServiceName[] = [];
  try {
    for (const name of names) {
      if (await isRunning(name, env)) continue;
      await services('start', name, env);
      started.push(name);
    }
  } catch (error) {
    await stopServices(started, env).catch(() => undefined);
    throw error;
  }
  return started;
}

export async function stopServices(names: ServiceName[], env: ServiceEnv): Promise<void> {
  // Each one is stopped even when stopping another failed (PostgreSQL first: its failure
  // left InfluxDB running after a forced demo exit); then every failure is thrown together.
  const failures: string[] = [];
  for (const name of [...names].reverse()) await services('stop', name, env).catch((error: Error) => failures.push(error.message));
  if (failures.length) throw new Error(failures.join('\n'));
}

/** Creates the database named in a PostgreSQL URL when it does not exist (the demo's first run). */
export async function ensurePgDatabase(url: string): Promise<void> {
  const { Client } = await import('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
