import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { Database, DeviceRepository, GatewayRepository, readMigrations, StateModule, TenantRepository } from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

describe('StateModule', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_module');
  });

  afterAll(async () => {
    await testDb?.drop();
  });

  it('migrates at start-up, injects the repositories, and closes the pool on shutdown', async () => {
    const app = await Test.createTestingModule({ imports: [StateModule.forRoot({ url: testDb.url, migrate: true, max: 2 })] }).compile();
    await app.init();
    const db = app.get(Database);
    let closed = false;
    try {
      expect(await db.ping()).toBe(true);
      const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
      expect(app.get(TenantRepository)).toBeInstanceOf(TenantRepository);
      expect(app.get(DeviceRepository)).toBeInstanceOf(DeviceRepository);
      expect(app.get(GatewayRepository)).toBeInstanceOf(GatewayRepository);
      expect(await app.get(DeviceRepository).listActiveDevices()).toEqual([]);
      await app.close();
      closed = true;
      await expect(db.ping()).rejects.toThrow();
    } finally {
      if (!closed) await app.close();
    }
  });

  it('refuses to start when the database cannot be migrated, with the connection error', async () => {
    const url = 'postgres://postgres@127.0.0.1:1/nowhere';
    const module = Test.createTestingModule({ imports: [StateModule.forRoot({ url, migrate: true })] });
    await expect(module.compile()).rejects.toThrow(/ECONNREFUSED/);
  });
});
