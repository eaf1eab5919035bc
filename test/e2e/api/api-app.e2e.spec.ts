/**
 * The API deployed alone (apps/api, its own process): it migrates, serves the registry,
 * the document and the console, and refuses to send commands rather than store commands nobody would send
 * (telegestion runs elsewhere).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeApp, stopAllNodeApps, type AppProcess } from '@hv/devkit';
import { ApiKeyRepository, Database, DeviceRepository, migrate, seedTerritory } from '@hv/state';
import { createTestDatabase, createTestInfluxDb } from '../../support/services';
import { freePort } from '../../support/wait';

describe('the standalone API app', () => {
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let influx: Awaited<ReturnType<typeof createTestInfluxDb>>;
  let app: AppProcess;
  let url: string;
  let key: string;

  beforeAll(async () => {
    pg = await createTestDatabase('e2e_api_app');
    influx = await createTestInfluxDb('e2e_api_app');
    const db = new Database(pg.url, { max: 1 });
    try {
      await migrate(db);
      await seedTerritory(db, '02');
      await new DeviceRepository(db).create({ id: 'lamp-app-1', tenant: '02408', type: 'lighting-controller' });
      key = (await new ApiKeyRepository(db).create({ name: 'Laon', role: 'commune', tenant: '02408', createdBy: 'e2e' })).key;
    } finally {
      await db.close();
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startNodeApp('apps/api/src/main.js', { HV_PG_URL: pg.url, HV_INFLUX_URL: influx.url, HV_INFLUX_DB: influx.db, HV_HTTP_PORT: String(port), HV_LOG_LEVEL: 'log' }, 'api');
    await app.waitFor(/api up/, 30_000);
  });
  afterAll(async () => {
    await stopAllNodeApps();
    await influx?.drop();
    await pg?.drop();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('serves /health, the OpenAPI document, and the registry to a key', async () => {
    expect((await get('/health')).body.checks.postgres.up).toBe(true);
    expect((await get('/api/v1/openapi.json')).body.openapi).toBe('3.1.0');
    const device = await get('/api/v1/devices/lamp-app-1', { authorization: `Bearer ${key}` });
    expect(device).toMatchObject({ status: 200, body: { id: 'lamp-app-1', tenant: '02408' } });
  });

  it('serves the console at / from the build, with its vendor modules', async () => {
    const shell = await fetch(`${url}/`);
    const html = await shell.text();
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-security-policy')).toContain("default-src 'self'");
    const vendor = /"htm":"(\/assets\/vendor\/htm@[^"]+)"/.exec(html)?.[1];
    expect(vendor).toBeDefined();
    expect((await fetch(`${url}${vendor}`)).status).toBe(200);
    expect((await fetch(`${url}/assets/app/main.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('refuses to send a command (503, with an error id in its log) and stores none', async () => {
    const res = await fetch(`${url}/api/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { device: 'lamp-app-1' }, command: { level_pct: 30 } }),
    });
    const body = (await res.json()) as { message: string; errorId: string };
    expect(res.status).toBe(503);
    expect(body.message).toMatch(/telegestion/);
    await app.waitFor(new RegExp(body.errorId), 5_000);
    const db = new Database(pg.url, { max: 1 });
    try {
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM commands')).rows[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
