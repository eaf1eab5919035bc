import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Database, Queryable } from './database';
import { MigrationError } from './state.errors';

/** A migration file: `NNN_name.sql`, applied in version order. */
export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  sql: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
}

export interface MigrateOptions {
  /** Folder of the `.sql` files; defaults to `<repo>/libs/state/migrations`. */
  dir?: string;
}

/**
 * Key of the session advisory lock that serialises migrations. Advisory locks are scoped to
 * one database, so databases sharing a server (tests) do not wait on each other.
 * (0x68760001: "hv" + 1.)
 */
const MIGRATION_LOCK_KEY = 0x6876_0001;
const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * The migrations folder. tsc does not copy `.sql` files into dist/, so the folder is found
 * from the repository root (the nearest ancestor holding package.json and the folder), which
 * works the same from libs/state/src under vitest and from dist/libs/state/src after a build.
 */
export function migrationsDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'libs', 'state', 'migrations');
      if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new MigrationError(`no libs/state/migrations folder above ${__dirname} or ${process.cwd()}`);
}

/** Read and checksum every migration file, in version order; refuses stray or duplicate names. */
export function readMigrations(dir: string = migrationsDir()): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const match = FILE_PATTERN.exec(entry);
    if (!match) throw new MigrationError(`migration file ${entry} in ${dir} is not named NNN_name.sql`);
    const sql = readFileSync(join(dir, entry), 'utf8');
    files.push({ version: Number(match[1]), name: match[2], sql, checksum: sha256(sql) });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) {
      throw new MigrationError(`two migration files have version ${files[i].version} in ${dir}`);
    }
  }
  return files;
}

/**
 * Bring the schema up to date: apply, each in its own transaction, the files not yet
 * recorded in `schema_migrations`. Several processes may start at once: a session advisory
 * lock lets one migrate while the others wait, then find nothing left to do.
 * Fails before applying anything when an applied file was edited or removed: the database
 * would no longer match what the code expects. Returns what it applied.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<AppliedMigration[]> {
  const files = readMigrations(options.dir);
  const logger = new Logger('Migrations');
  return db.withClient(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const pending = await pendingMigrations(session, files);
      for (const file of pending) {
        await applyMigration(session, file);
        logger.log(`applied migration ${label(file)}`);
      }
      return pending.map(({ version, name }) => ({ version, name }));
    } finally {
      // A session lock dies with its connection: when the connection is what failed, the
      // unlock fails too and must not hide the original error.
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  });
}

/** The files to apply, after checking that every applied one is still there, unchanged. */
async function pendingMigrations(session: Queryable, files: MigrationFile[]): Promise<MigrationFile[]> {
  const { rows } = await session.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const applied of rows) {
    const file = byVersion.get(applied.version);
    if (!file) {
      throw new MigrationError(`migration ${label(applied)} is applied but its file is missing`);
    }
    if (file.checksum !== applied.checksum) {
      throw new MigrationError(
        `migration ${label(file)} changed after it was applied (sha256 ${file.checksum}, ` +
          `applied ${applied.checksum}): restore it and put the change in a new migration`,
      );
    }
  }
  const applied = new Set(rows.map((r) => r.version));
  return files.filter((f) => !applied.has(f.version));
}

async function applyMigration(session: Queryable, file: MigrationFile): Promise<void> {
  await session.query('BEGIN');
  try {
    // No parameters: the simple query protocol runs a file of several statements.
    await session.query(file.sql);
    await session.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      file.version,
      file.name,
      file.checksum,
    ]);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(`migration ${label(file)} failed: ${(error as Error).message}`, { cause: error });
  }
}

const label = (m: { version: number; name: string }): string => `${String(m.version).padStart(3, '0')}_${m.name}`;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
