/**
 * The README's first command ends in `node dist/apps/all-in-one/src/demo.js`: this runs it
 * (on the test services and fresh databases instead of the dev ones) and checks that it
 * says where to look and that what it points at answers: metrics, health, stored points.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { influxCount, startNodeApp, stopAllNodeApps } from '@hv/devkit';
import { Database } from '@hv/state';
import { createTestDatabase, createTestInfluxDb, testServiceEnv } from '../support/services';
import { freePort, metricSum, waitFor } from '../support/wait';

describe('npm start (the demo)', () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await stopAllNodeApps();
    for (const drop of drops) await drop().catch(() => undefined);
  });

  it('runs the hypervisor with a simulated Laon fleet and prints where to look', async () => {
    const env = testServiceEnv();
    const pg = await createTestDatabase('e2e_demo');
    drops.push(pg.drop);
    const influx = await createTestInfluxDb('e2e_demo');
    drops.push(influx.drop);
    const spoolDir = `${env.runDir}/demo-spool-${Date.now()}`;
    drops.push(() => rm(spoolDir, { recursive: true, force: true }));
    const httpPort = await freePort();
    const demo = startNodeApp(
      'apps/all-in-one/src/demo.js',
      {
        HV_RUN_DIR: env.runDir,
        HV_INFLUX_URL: env.influxUrl,
        HV_INFLUX_DB: influx.db,
        HV_PG_URL: pg.url,
        HV_BROKER_PORT: String(await freePort()),
        HV_HTTP_PORT: String(httpPort),
        HV_INGEST_CLIENT_ID: `demo-${Date.now()}`,
        HV_INGEST_SPOOL_DIR: spoolDir,
        HV_DEMO_DURATION_S: '40',
        HV_DEMO_FAULT_EVERY_S: '12',
      },
      'demo',
    );
    await demo.waitFor(/Hyperviseur is running/, 90_000);
    const out = demo.output();
    expect(out).toContain(`http://127.0.0.1:${httpPort}/metrics`);
    expect(out).toContain(`http://127.0.0.1:${httpPort}/health`);
    expect(out).toMatch(/curl -sG .*\/query .*SELECT count/);

    // The banner's API call works as printed: its key sees Laon's simulated devices.
    const call = /curl -H "Authorization: Bearer (hv_\S+)" "(http:\/\/\S+\/api\/v1\/devices\?tenant=02408)"/.exec(out);
    expect(call).not.toBeNull();
    const answer = await fetch(call![2]!, { headers: { authorization: `Bearer ${call![1]}` } });
    expect(answer.status).toBe(200);
    const listed = (await answer.json()) as { devices: Array<{ tenant: string }> };
    expect(listed.devices.length).toBeGreaterThan(0);
    expect(listed.devices.every((d) => d.tenant === '02408')).toBe(true);

    // The console is served, and the banner's operator signs in to it (and only during this run).
    const page = await fetch(`http://127.0.0.1:${httpPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html lang="fr"/);
    const login = /sign in as (\S+@\S+), password (\S+)/.exec(out);
    expect(login, out).not.toBeNull();
    const session = await fetch(`http://127.0.0.1:${httpPort}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: login![1], password: login![2] }) });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { role: string } }).user.role).toBe('operator');

    // The scripted faults: the first (a lamp failure, 6 s in, repaired 8 s later) comes and clears.
    const alarms = (state: string) =>
      fetch(`http://127.0.0.1:${httpPort}/api/v1/alarms?tenant=02408&type=lamp_failure&state=${state}`, { headers: { authorization: `Bearer ${call![1]}` } }).then(
        async (r) => ((await r.json()) as { alarms: Array<{ device: string; clearedBy: string | null }> }).alarms,
      );
    const cleared = await waitFor(() => alarms('cleared'), (list) => list.length > 0, 30_000, 500);
    expect(cleared[0]!.device).toMatch(/^lc-02408-/);

    const stored = await waitFor(() => influxCount(env.influxUrl, influx.db, 'lighting_controller'), (n) => n >= 20, 30_000, 500);
    expect(stored).toBeGreaterThanOrEqual(20);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metricSum(metrics, 'hv_ingest_received_total')).toBeGreaterThanOrEqual(20);
    expect(metricSum(metrics, 'hv_ingest_rejected_total')).toBe(0);
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/health`)).json()) as { status: string; checks: Record<string, { up: boolean }> };
    expect(health.status).toBe('ok');
    expect(Object.keys(health.checks).sort()).toEqual(['broker', 'influxdb', 'mqtt', 'postgres', 'telegestion-mqtt']);
    const status = await demo.waitFor(/\[demo\] published \d+ messages; InfluxDB holds \d+ points \(telemetry and events\); health: ok/, 30_000);
    expect(status).toBeTruthy();

    // HV_DEMO_DURATION_S ends it like a Ctrl-C would: clean exit, services it did not start left running.
    const code = demo.child.exitCode ?? (await new Promise<number | null>((resolve) => demo.child.once('exit', (c) => resolve(c))));
    expect(code).toBe(0);
    expect(await influxCount(env.influxUrl, influx.db, 'lighting_controller')).toBeGreaterThanOrEqual(stored);
    const db = new Database(pg.url);
    try {
      const after = await db.query<{ disabled: boolean }>('SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE email = $1', [login![1]]);
      expect(after.rows).toEqual([{ disabled: true }]);
    } finally {
      await db.close();
    }
  });
});
