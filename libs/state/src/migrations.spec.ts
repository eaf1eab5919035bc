import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_ID_PATTERN, DEVICE_TYPES, DEV_EUI_PATTERN, TENANT_ID_PATTERN } from '@hv/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsDir, readMigrations } from './migrations';
import { MigrationError } from './state.errors';

describe('migration files', () => {
  const files = readMigrations();
  const registry = files.find((f) => f.name === 'registry')!;

  it('are found from the repository root and read in version order', () => {
    expect(migrationsDir()).toMatch(/libs[/\\]state[/\\]migrations$/);
    expect(files[0]).toMatchObject({ version: 1, name: 'registry' });
    expect(files.map((f) => f.version)).toEqual([...files.map((f) => f.version)].sort((a, b) => a - b));
    expect(registry.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('spell the id patterns exactly as @hv/contracts does', () => {
    expect(registry.sql).toContain(`CHECK (id ~ '${TENANT_ID_PATTERN.source}')`);
    expect(registry.sql.split(`CHECK (id ~ '${DEVICE_ID_PATTERN.source}')`)).toHaveLength(3); // devices, gateways
    expect(registry.sql).toContain(`CHECK (dev_eui ~ '${DEV_EUI_PATTERN.source}')`);
  });

  it('list every device type with its domain', () => {
    for (const [type, { domain }] of Object.entries(DEVICE_TYPES)) {
      expect(registry.sql).toContain(`'${type}'`);
      expect(registry.sql).toContain(`('${type}', '${domain}')`);
    }
    const typeCheck = /type IN \(([^)]*)\)/.exec(registry.sql)![1];
    expect(typeCheck.match(/'[^']+'/g)).toHaveLength(Object.keys(DEVICE_TYPES).length);
  });
});

describe('readMigrations', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('refuses a file not named NNN_name.sql', () => {
    dir = mkdtempSync(join(tmpdir(), 'hv-migrations-'));
    writeFileSync(join(dir, '001_ok.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '2_bad.sql'), 'SELECT 1;');
    expect(() => readMigrations(dir)).toThrow(MigrationError);
    expect(() => readMigrations(dir)).toThrow(/2_bad\.sql/);
  });

  it('refuses two files with the same version', () => {
    dir = mkdtempSync(join(tmpdir(), 'hv-migrations-'));
    writeFileSync(join(dir, '001_a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '001_b.sql'), 'SELECT 2;');
    expect(() => readMigrations(dir)).toThrow(/two migration files have version 1/);
  });
});
