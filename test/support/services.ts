/**
 * Real services for integration/e2e tests: the test instances of InfluxDB, PostgreSQL and
 * Mosquitto (`<repo>/.hv/test`, ports 28086/25432/21883), managed by infra/services.sh
 * through @hv/devkit. Tests isolate themselves by creating their own PostgreSQL database
 * and InfluxDB database (`createTestDatabase`, `createTestInfluxDb`) and dropping them.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { influxIdent, influxQuery, testServiceEnv, type ServiceEnv } from '@hv/devkit';

export * from '@hv/devkit';

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

