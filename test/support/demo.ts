/**
 * The demo (`npm start`, dist/apps/all-in-one/src/demo.js) as a child process for the
 * end-to-end tests: started on ports of the test's choosing, its banner read for the
 * operator key and the URLs it prints, stopped with a real SIGINT (a Ctrl-C).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startNodeApp, type AppProcess } from '@hv/devkit';
import { freePort } from './wait';

/** The demo's public seed (apps/all-in-one/src/demo.ts): its devices' secrets derive from it. */
export const DEMO_SEED = 'hyperviseur-demo';

export interface RunningDemo {
  proc: AppProcess;
  httpUrl: string;
  brokerUrl: string;
  apiKey: string;
  /** An authenticated call to the demo's API (`path` after /api/v1/). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}

/** Starts the demo with `env` added to fresh HTTP and broker ports, and waits for its banner. */
export async function startDemo(env: Record<string, string>, timeoutMs = 120_000): Promise<RunningDemo> {
  const proc = startNodeApp('apps/all-in-one/src/demo.js', { HV_BROKER_PORT: String(await freePort()), HV_HTTP_PORT: String(await freePort()), ...env }, 'demo', [], { processGroup: true });
  await proc.waitFor(/Hyperviseur is running/, timeoutMs);
  const out = proc.output();
  const call = /curl -H "Authorization: Bearer (hv_\S+)" "(http:\/\/[^/]+)\/api\/v1\/devices/.exec(out);
  const broker = /MQTT broker\s+(mqtt:\/\/\S+)/.exec(out);
  if (!call || !broker) throw new Error(`the demo's banner has no API key or broker URL:\n${out}`);
  const [, apiKey, httpUrl] = call as unknown as [string, string, string];
  return {
    proc,
    httpUrl,
    brokerUrl: broker[1]!,
    apiKey,
    async api(method, path, body) {
      const res = await fetch(`${httpUrl}/api/v1/${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
}

/**
 * A Ctrl-C: SIGINT to the process's group when it leads one (startNodeApp's processGroup,
 * as a terminal signals its whole foreground group), else to the process; `times` Ctrl-Cs
 * `gapMs` apart. Resolves with the exit code and the time the process took to exit after
 * the first, or null when it did not exit within `boundMs`.
 */
export async function interrupt(proc: AppProcess, boundMs: number, times = 1, gapMs = 200): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number } | null> {
  const t0 = Date.now();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) resolve({ code: proc.child.exitCode, signal: proc.child.signalCode });
    else proc.child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ctrlC = () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    try {
      process.kill(-proc.child.pid!, 'SIGINT');
    } catch {
      proc.child.kill('SIGINT');
    }
  };
  ctrlC();
  for (let i = 1; i < times; i++) setTimeout(ctrlC, i * gapMs);
  const outcome = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), boundMs))]);
  return outcome && { ...outcome, ms: Date.now() - t0 };
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * True while a process with this PID runs. A zombie does not count: a service whose parent
 * (the demo) has exited is reaped by PID 1, which in a container may never do it.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
