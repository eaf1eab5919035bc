/**
 * The all-in-one app (dist/apps/all-in-one/src/main.js) stops on Ctrl-C within its bound and
 * says so with its exit code: 0 when everything closed (it used to die of the re-raised
 * signal after Nest's unbounded close).
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { interrupt, listening } from '../support/demo';
import { createTestDatabase, createTestInfluxDb, startNodeApp, stopAllNodeApps, testServiceEnv } from '../support/services';
import { freePort } from '../support/wait';

describe('Ctrl-C on the all-in-one app', () => {
  const drops: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    await stopAllNodeApps();
    for (const drop of drops) await drop().catch(() => undefined);
  });

  it('closes the hypervisor and exits 0 within seconds', async () => {
    const env = testServiceEnv();
    const pg = await createTestDatabase('e2e_all_in_one_stop');
    drops.push(pg.drop);
    const influx = await createTestInfluxDb('e2e_all_in_one_stop');
    drops.push(influx.drop);
    const spoolDir = `${env.runDir}/all-in-one-stop-spool-${Date.now()}`;
    drops.push(() => rm(spoolDir, { recursive: true, force: true }));
    const ports = { http: await freePort(), broker: await freePort() };
    const app = startNodeApp(
      'apps/all-in-one/src/main.js',
      { HV_INFLUX_URL: env.influxUrl, HV_INFLUX_DB: influx.db, HV_PG_URL: pg.url, HV_HTTP_PORT: String(ports.http), HV_BROKER_PORT: String(ports.broker), HV_INGEST_SPOOL_DIR: spoolDir },
      'all-in-one',
    );
    await app.waitFor(/hyperviseur up/, 90_000);

    const stopped = await interrupt(app, 20_000);
    expect(stopped, app.output().slice(-2_000)).toMatchObject({ code: 0, signal: null });
    for (const port of [ports.http, ports.broker]) expect(await listening(port)).toBe(false);
  });
});
