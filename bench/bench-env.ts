import { Client } from 'pg';
import { benchServiceEnv, type ServiceEnv } from '@hv/devkit';

/** Bench instances, apart from the dev (.hv/dev) and test (.hv/test) ones; ports below 32768. */
export const BENCH_ENV: ServiceEnv = benchServiceEnv();

/** A PostgreSQL database of that name on the bench server, dropped first if it exists. */
export async function freshPgDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${BENCH_ENV.pgPort}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return `postgres://postgres@127.0.0.1:${BENCH_ENV.pgPort}/${name}`;
}

/** Drops a database of the bench server (at the end of a run, so that a whole fleet's registry does not stay on disk). */
export async function dropPgDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${BENCH_ENV.pgPort}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The p-quantile (0–1) of ascending values, nearest rank below; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
