import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './local-services';

/** A compiled app (dist/…) running as a child process, with its output kept for failure messages. */
export interface AppProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when a line matches, rejects when the process exits first or after the timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGKILL: no shutdown hook runs (crash test). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
}

const running = new Set<AppProcess>();

/**
 * Node flags the apps run with (package.json's start script uses the same): without a cap,
 * V8 lets a high-allocation process grow its heap lazily (ingest peaked at 384–620 MB RSS
 * in the benchmark); 256 MB keeps it under 300 MB at a few percent of throughput.
 */
export const APP_NODE_FLAGS = ['--max-old-space-size=256'];

/**
 * Runs `node dist/<script>` with `env` added to this process's environment. Requires
 * `npm run build` (npm test runs it first). Every process is tracked so that `stopAll()`
 * in an afterAll stops what a failing test left. Used by the tests and the benchmarks.
 */
export function startNodeApp(script: string, env: Record<string, string>, name = script, args: string[] = [], options: { processGroup?: boolean } = {}): AppProcess {
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, join(repoRoot(), 'dist', script), ...args], {
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // processGroup: the app leads a group of its own, so that a test can signal it as a
    // terminal's Ctrl-C does (the whole group: the app and the children it did not detach).
    detached: options.processGroup ?? false,
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((l) => `[${name}] ${l}`));
    if (lines.length > 2_000) lines.splice(0, lines.length - 2_000);
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: AppProcess = {
    child,
    output: () => lines.join('\n'),
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit) finish(() => resolve(hit));
          else if (child.exitCode !== null || child.signalCode !== null) finish(() => reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${proc.output()}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${proc.output()}`))), timeoutMs);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', check);
          f();
        };
        waiters.add(check);
        child.on('exit', check);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      running.delete(proc);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(proc);
    },
  };
  running.add(proc);
  return proc;
}

/** Stops every app process still running (call in afterAll). */
export async function stopAllNodeApps(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}
