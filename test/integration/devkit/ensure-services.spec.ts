/**
 * The services script as tests and benchmarks drive it: a service that cannot start must not
 * leave the ones started before it running (the caller, which gets an error instead of their
 * names, could not stop them), and a stop whose script a signal kills midway still stops.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServices, isRunning, localPortOffset, serviceEnv, stopServices, type ServiceEnv } from '@hv/devkit';

describe('ensureServices', () => {
  let dir: string;
  let env: ServiceEnv;
  let squatter: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hv-ensure-'));
    // Ports of their own, beside the suite's (shifted like them): 26,486 for PostgreSQL, below 32768.
    const o = localPortOffset();
    env = serviceEnv(dir, 28_386 + o, 26_486 + o, 22_483 + o);
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(env.pgPort, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await stopServices(['mosquitto', 'postgres'], env).catch(() => undefined);
    await new Promise((resolve) => squatter?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops what it started when a later service fails to start, then throws', async () => {
    await expect(ensureServices(['mosquitto', 'postgres'], env)).rejects.toThrow(/postgres/);
    expect(await isRunning('mosquitto', env)).toBe(false);
  });

  it('starts and returns what was not running, once the port is free', async () => {
    await new Promise((resolve) => squatter.close(resolve));
    const started = await ensureServices(['mosquitto'], env);
    expect(started).toEqual(['mosquitto']);
    expect(await isRunning('mosquitto', env)).toBe(true);
    expect(await ensureServices(['mosquitto'], env)).toEqual([]);
  });

  it('a stop whose script a signal kills is run again, and the service ends stopped', async () => {
    expect(await isRunning('mosquitto', env)).toBe(true);
    // The first `services.sh stop` of this test's run dir is killed as soon as it runs (the
    // race a second Ctrl-C wins against the script's own `trap "" INT`); only this one.
    const killed: number[] = [];
    const watcher = setInterval(() => {
      if (killed.length) return;
      const pid = stopScriptOf(dir);
      if (pid !== undefined) {
        process.kill(pid, 'SIGTERM');
        killed.push(pid);
      }
    }, 2);
    try {
      await stopServices(['mosquitto'], env);
    } finally {
      clearInterval(watcher);
    }
    expect(killed, 'the watcher caught the stop script running').toHaveLength(1);
    expect(await isRunning('mosquitto', env)).toBe(false);
  });
});

/** The pid of a running `infra/services.sh stop …` whose HV_RUN_DIR is `runDir`, if any. */
function stopScriptOf(runDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv.some((a) => a.endsWith('infra/services.sh')) || !argv.includes('stop')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HV_RUN_DIR=${runDir}`)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}
