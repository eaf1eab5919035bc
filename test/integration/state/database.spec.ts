import { Database } from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

describe('Database against PostgreSQL', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let admin: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_database');
    db = new Database(testDb.url, { max: 2, applicationName: 'hv-state-test' });
    admin = new Database(testDb.url, { max: 1 });
  });

  afterAll(async () => {
    await db?.close();
    await admin?.close();
    await testDb?.drop();
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.query('CREATE TABLE t (n int)');
    await db.tx(async (tx) => tx.query('INSERT INTO t VALUES (1)'));
    await expect(
      db.tx(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await db.query<{ n: number }>('SELECT n FROM t ORDER BY n');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('survives the server killing its idle connections, and reconnects', async () => {
    await Promise.all([db.query('SELECT pg_sleep(0.05)'), db.query('SELECT pg_sleep(0.05)')]); // two idle connections
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE application_name = 'hv-state-test' AND datname = current_database()`,
    );
    expect(rows[0].n).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the 'error' events arrive
    await expect(db.ping()).resolves.toBe(true);
  });

  it('destroys a connection killed inside a transaction rather than pooling it', async () => {
    const failure = db.tx(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.query('SELECT 1');
    });
    await expect(failure).rejects.toThrow();
    for (let i = 0; i < 4; i++) await expect(db.ping()).resolves.toBe(true);
  });
});
