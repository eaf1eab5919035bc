/**
 * The services script as tests and benchmarks drive it: a service that cannot start must not
 * leave the ones started before it running (the caller, which gets an error instead of their
 * names, could not stop them).
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
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
});
