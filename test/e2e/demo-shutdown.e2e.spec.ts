/**
 * Ctrl-C stops `npm start` within seconds whatever the fleet's state, with the InfluxDB and
 * PostgreSQL it started (defect: with one simulated device knocked off the broker, "stopping…"
 * was printed and the process still ran 120 s later, its services too). The demo starts its
 * own services here (a run dir and ports of this test), so that the test can see them stop.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectDevice, demoFleet, deviceSecret } from '@hv/simulators';
import { alive, DEMO_SEED, interrupt, listening, startDemo } from '../support/demo';
import { FINAL_STEP_TIMEOUT_MS, serviceEnv, services, startNodeApp, stopAllNodeApps, testServiceEnv, type ServiceEnv } from '../support/services';
import { freePort } from '../support/wait';

/** What a person waits for after Ctrl-C, ms: a few seconds, not minutes. */
const SHUTDOWN_BOUND_MS = 15_000;
/** Simulated devices knocked off the broker: enough that some have a publish due while disconnected. */
const KNOCKED_OFF = 12;
/** The demo's own services sit this far above the test instances' ports (each worktree's offset is a multiple of 100). */
const OWN_PORT_SHIFT = 50;

async function pidOf(file: string): Promise<number> {
  return Number((await readFile(file, 'utf8')).split('\n')[0]);
}

describe('Ctrl-C on npm start (the demo)', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await stopAllNodeApps();
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(() => stopAllNodeApps());

  /** A run dir and ports of this test's: the demo finds no service running there and starts its own. */
  async function ownServices(name: string): Promise<ServiceEnv> {
    const test = testServiceEnv();
    const own = serviceEnv(join(test.runDir, `${name}-${Date.now()}`), test.influxPort + OWN_PORT_SHIFT, test.pgPort + OWN_PORT_SHIFT, test.mosquittoPort + OWN_PORT_SHIFT);
    for (const port of [own.influxPort, own.pgPort]) expect(await listening(port), `port ${port} is free for the demo's own services`).toBe(false);
    cleanups.push(() => rm(own.runDir, { recursive: true, force: true }));
    // Whatever the outcome, nothing of the demo's stays up after the test.
    cleanups.push(() => services('stop', 'influxdb', own).catch(() => undefined));
    cleanups.push(() => services('stop', 'postgres', own).catch(() => undefined));
    return own;
  }

  async function startOwnDemo(own: ServiceEnv) {
    const demo = await startDemo({
      HV_RUN_DIR: own.runDir,
      HV_INFLUX_URL: own.influxUrl,
      HV_PG_URL: own.pgUrl.replace(/\/postgres$/, '/hyperviseur'),
      HV_INGEST_SPOOL_DIR: join(own.runDir, 'spool'),
    });
    const pids = { influxdb: await pidOf(join(own.runDir, 'influxdb', 'influxd.pid')), postgres: await pidOf(join(own.runDir, 'postgres', 'data', 'postmaster.pid')) };
    expect(alive(pids.influxdb) && alive(pids.postgres)).toBe(true);
    return { demo, pids };
  }

  async function expectAllStopped(own: ServiceEnv, demo: Awaited<ReturnType<typeof startDemo>>, pids: Record<string, number>) {
    const ports = [own.influxPort, own.pgPort, Number(new URL(demo.httpUrl).port), Number(new URL(demo.brokerUrl).port)];
    for (const port of ports) expect(await listening(port), `port ${port} still open; the demo said:\n${demo.proc.output().slice(-3_000)}`).toBe(false);
    for (const [name, pid] of Object.entries(pids)) expect(alive(pid), `${name} (pid ${pid}) still running`).toBe(false);
  }

  it('exits within seconds and stops its InfluxDB and PostgreSQL when a simulated device has lost its connection', async () => {
    const own = await ownServices('demo-shutdown-lost');
    const { demo, pids } = await startOwnDemo(own);

    // The devices' own logins from elsewhere (their secrets derive from the demo's public
    // seed): the broker closes the demo's connections of those devices (MQTT 3.1.1
    // §3.1.4-2), which do not reconnect; the fleet then publishes on for two report periods.
    const knocked = demoFleet().devices.filter((d) => d.type === 'lighting-controller').slice(0, KNOCKED_OFF);
    for (const device of knocked) {
      const other: MqttClient = await connectDevice(demo.brokerUrl, device, deviceSecret(DEMO_SEED, device.id));
      cleanups.push(() => other.endAsync(true));
    }
    await new Promise((resolve) => setTimeout(resolve, 11_000));

    const stopped = await interrupt(demo.proc, SHUTDOWN_BOUND_MS);
    expect(stopped, `still running ${SHUTDOWN_BOUND_MS} ms after SIGINT:\n${demo.proc.output().slice(-3_000)}`).not.toBeNull();
    console.log(`[demo-shutdown] device knocked off: exited ${stopped!.ms} ms after SIGINT (code ${stopped!.code})`);
    expect(stopped!.code).toBe(0);
    await expectAllStopped(own, demo, pids);
    for (const device of knocked) expect(demo.proc.output()).toContain(`${device.id} lost its connection`);
  });

  it('exits within seconds and stops its PostgreSQL when its InfluxDB was stopped under it', async () => {
    const own = await ownServices('demo-shutdown-influx');
    const { demo, pids } = await startOwnDemo(own);
    await services('stop', 'influxdb', own);
    // Ingest now spools what the fleet sends: a few report periods of it.
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const stopped = await interrupt(demo.proc, SHUTDOWN_BOUND_MS);
    expect(stopped, `still running ${SHUTDOWN_BOUND_MS} ms after SIGINT:\n${demo.proc.output().slice(-3_000)}`).not.toBeNull();
    console.log(`[demo-shutdown] InfluxDB stopped: exited ${stopped!.ms} ms after SIGINT (code ${stopped!.code})`);
    await expectAllStopped(own, demo, pids);
  });

  it('a Ctrl-C while it starts its services still stops them', async () => {
    const own = await ownServices('demo-shutdown-early');
    const demo = startNodeApp(
      'apps/all-in-one/src/demo.js',
      { HV_RUN_DIR: own.runDir, HV_INFLUX_URL: own.influxUrl, HV_PG_URL: own.pgUrl.replace(/\/postgres$/, '/hyperviseur'), HV_HTTP_PORT: String(await freePort()), HV_BROKER_PORT: String(await freePort()) },
      'demo',
      [],
      { processGroup: true },
    );
    await demo.waitFor(/\[demo\] starting influxdb and postgres/, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const stopped = await interrupt(demo, SHUTDOWN_BOUND_MS + FINAL_STEP_TIMEOUT_MS);
    expect(stopped, `still running after SIGINT:\n${demo.output().slice(-3_000)}`).not.toBeNull();
    // What was starting in the background has had time to answer, had it been left running.
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline) {
      for (const port of [own.influxPort, own.pgPort]) expect(await listening(port), `port ${port} open after the demo exited:\n${demo.output().slice(-2_000)}`).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  it('a second Ctrl-C forces the exit (non-zero, said) and still stops its InfluxDB and PostgreSQL', async () => {
    const own = await ownServices('demo-shutdown-twice');
    const { demo, pids } = await startOwnDemo(own);

    const stopped = await interrupt(demo.proc, SHUTDOWN_BOUND_MS, 2, 100);
    expect(stopped, `still running ${SHUTDOWN_BOUND_MS} ms after SIGINT:\n${demo.proc.output().slice(-3_000)}`).not.toBeNull();
    await expectAllStopped(own, demo, pids);
    expect(demo.proc.output()).toContain('second signal: forcing exit');
    expect(stopped!.code).toBe(1);
  });
});
