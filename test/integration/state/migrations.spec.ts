import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, migrate, migrationsDir, MigrationError, readMigrations } from '@hv/state';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;

describe('migrate', () => {
  const dbs: Database[] = [];
  const created: TestDb[] = [];
  const dirs: string[] = [];

  async function freshDatabase(): Promise<{ url: string; db: Database }> {
    const testDb = await createTestDatabase('state_migrations');
    created.push(testDb);
    const db = new Database(testDb.url, { max: 2 });
    dbs.push(db);
    return { url: testDb.url, db };
  }

  /** A copy of the real migrations that a test may edit. */
  function copyOfMigrations(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hv-migrations-'));
    dirs.push(dir);
    cpSync(migrationsDir(), dir, { recursive: true });
    return dir;
  }

  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.close()));
    await Promise.all(created.map((d) => d.drop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration once, then finds nothing left to do', async () => {
    const { db } = await freshDatabase();
    expect(await migrate(db)).toEqual([{ version: 1, name: 'registry' }, { version: 2, name: 'telegestion' }, { version: 3, name: 'command_constraints' }, { version: 4, name: 'api_keys' }, { version: 5, name: 'notifier' }, { version: 6, name: 'rule_states_text' }, { version: 7, name: 'digest' }, { version: 8, name: 'devices_tenant_domain' }, { version: 9, name: 'credential_events' }, { version: 10, name: 'codec_profiles' }, { version: 11, name: 'users' }, { version: 12, name: 'alarm_events' }]);
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    expect(rows).toHaveLength(readMigrations().length);
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['alarm_events', 'alarms', 'api_keys', 'command_batches', 'commands', 'deliveries', 'device_group_members', 'device_groups', 'device_models', 'devices', 'gateways', 'lighting_programs', 'login_throttle', 'program_assignments', 'rule_states', 'schema_migrations', 'subscriptions', 'tenants', 'user_sessions', 'user_tokens', 'users']);
  });

  it('makes the schema itself refuse ids that could break a topic or a line-protocol tag', async () => {
    const { db } = await freshDatabase();
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, kind, name) VALUES ('02', 'departement', 'Aisne')`);
    await expect(db.query(`INSERT INTO tenants (id, kind, name, parent_id) VALUES ('02/+', 'commune', 'x', '02')`)).rejects.toThrow(/check constraint/);
    const device = (id: string, type = 'co2-sensor', domain = 'air', devEui: string | null = null) =>
      db.query('INSERT INTO devices (id, tenant_id, type, domain, dev_eui) VALUES ($1, $2, $3, $4, $5)', [id, '02', type, domain, devEui]);
    await expect(device('lamp 1,tag=x')).rejects.toThrow(/devices_id_check/);
    await expect(device('lamp-1', 'co2-sensor', 'lighting')).rejects.toThrow(/devices_domain_of_type/);
    await expect(device('lamp-1', 'co2-sensor', 'air', '70B3D57ED0000001')).rejects.toThrow(/devices_dev_eui_check/);
    await expect(device('lamp-1')).resolves.toMatchObject({ rowCount: 1 });
  });

  it('lets two processes migrate the same database at once: one applies, the other waits and skips', async () => {
    const { url, db: a } = await freshDatabase();
    const b = new Database(url, { max: 2 });
    dbs.push(b);
    const [fromA, fromB] = await Promise.all([migrate(a), migrate(b)]);
    expect([...fromA, ...fromB]).toEqual([{ version: 1, name: 'registry' }, { version: 2, name: 'telegestion' }, { version: 3, name: 'command_constraints' }, { version: 4, name: 'api_keys' }, { version: 5, name: 'notifier' }, { version: 6, name: 'rule_states_text' }, { version: 7, name: 'digest' }, { version: 8, name: 'devices_tenant_domain' }, { version: 9, name: 'credential_events' }, { version: 10, name: 'codec_profiles' }, { version: 11, name: 'users' }, { version: 12, name: 'alarm_events' }]);
    const { rows } = await a.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0].n)).toBe(readMigrations().length);
  });

  it('applies a new file in order and records it', async () => {
    const { db } = await freshDatabase();
    const dir = copyOfMigrations();
    await migrate(db, { dir });
    writeFileSync(join(dir, '900_extra_table.sql'), 'CREATE TABLE extra_table (id bigserial PRIMARY KEY);');
    expect(await migrate(db, { dir })).toEqual([{ version: 900, name: 'extra_table' }]);
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM extra_table');
    expect(rows[0].n).toBe('0');
  });

  it('rolls back a failing file entirely and does not record it', async () => {
    const { db } = await freshDatabase();
    const dir = copyOfMigrations();
    writeFileSync(join(dir, '900_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;');
    await expect(migrate(db, { dir })).rejects.toThrow(/migration 900_broken failed: .*no_such_table/);
    const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    const { rows: leftovers } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(leftovers).toEqual([]);
  });

  it('refuses to run when an applied file was edited', async () => {
    const { db } = await freshDatabase();
    const dir = copyOfMigrations();
    await migrate(db, { dir });
    appendFileSync(join(dir, '001_registry.sql'), '\n-- a harmless-looking edit\n');
    writeFileSync(join(dir, '900_next.sql'), 'CREATE TABLE must_not_appear (id int);');
    const failure = migrate(db, { dir });
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/001_registry changed after it was applied/);
    const { rows } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'must_not_appear'`);
    expect(rows).toEqual([]);
  });

  it('refuses to run when an applied file is missing', async () => {
    const { db } = await freshDatabase();
    const dir = copyOfMigrations();
    writeFileSync(join(dir, '900_extra.sql'), 'SELECT 1;');
    await migrate(db, { dir });
    unlinkSync(join(dir, '900_extra.sql'));
    await expect(migrate(db, { dir })).rejects.toThrow(/migration 900_extra is applied but its file is missing/);
  });
});
