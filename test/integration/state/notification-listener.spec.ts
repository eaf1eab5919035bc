/**
 * The credential-events feed against PostgreSQL: migration 009's trigger notifies the
 * changes that matter (retirement, secret, tenant, devEui; deletion) and no other, and the
 * listener survives its connection being killed: it reports the loss (the broker then drops
 * every cached login, since notifications sent meanwhile are gone) and listens again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, DeviceRepository, GatewayRepository, migrate, NotificationListener, seedTerritory, TEST_SCRYPT_COST } from '@hv/state';
import { createTestDatabase } from '../../support/services';
import { waitFor } from '../../support/wait';

const CHANNEL = 'hv_credentials';

describe('credential events', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let listener: NotificationListener;
  const events: Array<Record<string, unknown>> = [];
  let resets = 0;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_credential_events');
    db = new Database(testDb.url, { max: 2 });
    await migrate(db);
    await seedTerritory(db, '02');
    await new DeviceRepository(db).create({ id: 'lamp-ev-1', tenant: '02408', type: 'lighting-controller', secret: 'lamp-secret-0001', secretCost: TEST_SCRYPT_COST });
    await new DeviceRepository(db).create({ id: 'spot-ev-1', tenant: '02408', type: 'parking-spot', devEui: 'a1b2c3d4e5f60701' });
    await new GatewayRepository(db).create({ id: 'gw-ev-1', tenant: '02408', network: 'tts', secret: 'gateway-secret-01', secretCost: TEST_SCRYPT_COST });
    listener = new NotificationListener(testDb.url, CHANNEL);
    await listener.start({ notify: (p) => events.push(JSON.parse(p) as Record<string, unknown>), reset: () => resets++ });
  });
  afterAll(async () => {
    await listener?.stop();
    await db?.close();
    await testDb?.drop();
  });

  const next = async (change: () => Promise<unknown>) => {
    const seen = events.length;
    await change();
    await db.query(`NOTIFY ${CHANNEL}, '{"marker":true}'`); // notifications arrive in commit order: after this, nothing else is coming
    await waitFor(() => events.length, (n) => n > seen && events.at(-1)!.marker === true, 5_000, 20);
    return events.slice(seen, -1);
  };

  it('notifies a change of credentials or placement, once per row, and nothing for other columns', async () => {
    expect(await next(() => db.query(`UPDATE devices SET attributes = '{"name":"x"}' WHERE id = 'lamp-ev-1'`))).toEqual([]);
    expect(await next(() => db.query(`UPDATE devices SET secret_hash = secret_hash || '' WHERE id = 'lamp-ev-1'`))).toEqual([]);
    expect(await next(() => db.query(`UPDATE devices SET retired_at = now() WHERE id = 'lamp-ev-1'`))).toEqual([{ kind: 'device', id: 'lamp-ev-1', devEuis: [] }]);
    expect(await next(() => db.query(`UPDATE devices SET tenant_id = '02691' WHERE id = 'spot-ev-1'`))).toEqual([{ kind: 'device', id: 'spot-ev-1', devEuis: ['a1b2c3d4e5f60701'] }]);
    expect(await next(() => db.query(`UPDATE gateways SET secret_hash = 'x' WHERE id = 'gw-ev-1'`))).toEqual([{ kind: 'gateway', id: 'gw-ev-1', devEuis: [] }]);
    expect(await next(() => db.query(`DELETE FROM gateways WHERE id = 'gw-ev-1'`))).toEqual([{ kind: 'gateway', id: 'gw-ev-1', devEuis: [] }]);
  });

  it('reports a lost connection and listens again', async () => {
    const before = resets;
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hyperviseur-listen-${CHANNEL}'`);
    // One reset for the loss, one once it listens again.
    expect(await waitFor(() => resets, (n) => n >= before + 2, 10_000, 50)).toBeGreaterThanOrEqual(before + 2);
    expect(await next(() => db.query(`UPDATE devices SET retired_at = NULL WHERE id = 'lamp-ev-1'`))).toEqual([{ kind: 'device', id: 'lamp-ev-1', devEuis: [] }]);
  });
});
