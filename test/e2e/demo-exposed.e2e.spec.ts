/**
 * The demo's fleet secrets derive from a public seed and its service password is the
 * shipped default: `npm start` refuses to listen beyond loopback, naming the variable,
 * before it starts anything (no service, no listener, no run dir).
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listening } from '../support/demo';
import { serviceEnv, services, startNodeApp, stopAllNodeApps, testServiceEnv } from '../support/services';
import { freePort } from '../support/wait';

/** A refusal is immediate; the bound leaves room for Node's start on a busy machine, ms. */
const REFUSAL_BOUND_MS = 20_000;

describe('npm start beyond loopback', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await stopAllNodeApps();
    for (const c of cleanups.splice(0)) await c().catch(() => undefined);
  });
  afterAll(() => stopAllNodeApps());

  it.each([
    ['HV_BROKER_HOST', '0.0.0.0'],
    ['HV_BROKER_HOST', '::'],
    ['HV_HTTP_HOST', '0.0.0.0'],
    ['HV_HTTP_HOST', '192.168.1.20'],
    ['HV_HTTP_HOST', 'demo.example.org'],
  ])('refuses %s=%s: exits non-zero naming the variable, having started nothing', async (name, host) => {
    const test = testServiceEnv();
    const runDir = join(test.runDir, `demo-exposed-${Date.now()}`);
    const ports = { http: await freePort(), broker: await freePort() };
    // Had it started them (it must not), they are stopped and removed.
    const own = serviceEnv(runDir, test.influxPort + 60, test.pgPort + 60, test.mosquittoPort + 60);
    cleanups.push(() => services('stop', 'all', own), () => rm(runDir, { recursive: true, force: true }));
    const demo = startNodeApp(
      'apps/all-in-one/src/demo.js',
      {
        // Services of its own (a fresh run dir, ports of nobody's) so that starting anything would show.
        HV_RUN_DIR: runDir,
        HV_INFLUX_URL: own.influxUrl,
        HV_PG_URL: own.pgUrl.replace(/\/postgres$/, '/hyperviseur'),
        HV_HTTP_PORT: String(ports.http),
        HV_BROKER_PORT: String(ports.broker),
        // Not the shipped default: the refusal tested is the demo's own.
        HV_SERVICE_PASSWORD: 'not-the-shipped-default-1',
        [name]: host,
      },
      'demo',
    );
    const code = await Promise.race([
      new Promise<number | null>((resolve) => demo.child.once('exit', (c) => resolve(c))),
      new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), REFUSAL_BOUND_MS)),
    ]);
    const out = demo.output();
    await demo.stop();
    expect(code, out).not.toBe('running');
    expect(code).not.toBe(0);
    expect(out).toContain(`${name}=${JSON.stringify(host)} is beyond loopback`);
    expect(out).not.toContain('[demo] starting');
    expect(existsSync(runDir)).toBe(false);
    for (const port of [ports.http, ports.broker, own.influxPort, own.pgPort]) expect(await listening(port)).toBe(false);
  });
});
