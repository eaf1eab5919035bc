import { describe, expect, it, vi } from 'vitest';
import { Shutdown } from './shutdown';

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function harness(options: { stepTimeoutMs?: number; deadlineMs?: number } = {}) {
  const lines: string[] = [];
  let exitCode: number | undefined;
  const shutdown = new Shutdown({ ...options, log: (l) => lines.push(l), exit: (c) => (exitCode = c) });
  return { shutdown, lines, code: () => exitCode };
}

describe('Shutdown', () => {
  it('stops in the reverse order of registration, the services last, and exits with the code asked', async () => {
    const { shutdown, code, lines } = harness();
    const order: string[] = [];
    shutdown.addFinal('services', async () => order.push('services'));
    shutdown.add('platform', async () => order.push('platform'));
    shutdown.add('fleet', async () => order.push('fleet'));
    await shutdown.stop(0);
    expect(order).toEqual(['fleet', 'platform', 'services']);
    expect(code()).toBe(0);
    expect(lines).toEqual([]);
  });

  it('a step that never ends (a client waiting for PUBACKs of a lost connection) is abandoned after its bound, the rest still stops, exit 1 naming it', async () => {
    const { shutdown, code, lines } = harness({ stepTimeoutMs: 100 });
    const order: string[] = [];
    shutdown.addFinal('the local services', async () => order.push('services'));
    shutdown.add('the hypervisor', async () => order.push('platform'));
    shutdown.add('the simulated fleet', never);
    const t0 = Date.now();
    await shutdown.stop(0);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(order).toEqual(['platform', 'services']);
    expect(code()).toBe(1);
    expect(lines.join('\n')).toMatch(/did not stop cleanly: the simulated fleet \(still running after 100 ms\)/);
  });

  it('past the deadline, the steps left are named as not stopped and the services are still stopped', async () => {
    const { shutdown, code, lines } = harness({ stepTimeoutMs: 1_000, deadlineMs: 150 });
    let servicesStopped = false;
    shutdown.addFinal('the local services', async () => (servicesStopped = true));
    shutdown.add('the hypervisor', never);
    shutdown.add('the simulated fleet', never);
    await shutdown.stop(0);
    expect(servicesStopped).toBe(true);
    expect(code()).toBe(1);
    expect(lines.join('\n')).toMatch(/the simulated fleet \(still running after 150 ms\); the hypervisor \(not stopped: shutdown deadline of 150 ms passed\)/);
  });

  it('a step that ran out the deadline leaves none of it to the next, whatever the clock reads then', async () => {
    const { shutdown, lines } = harness({ stepTimeoutMs: 1_000, deadlineMs: 150 });
    shutdown.add('the hypervisor', never);
    shutdown.add('the simulated fleet', never);
    // The timer fires at the deadline while Date.now() still reads 1 ms before it.
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValueOnce(t0).mockReturnValueOnce(t0).mockReturnValue(t0 + 149);
    try {
      await shutdown.stop(0);
    } finally {
      clock.mockRestore();
    }
    expect(lines.join('\n')).toMatch(/the simulated fleet \(still running after 150 ms\); the hypervisor \(not stopped: shutdown deadline of 150 ms passed\)/);
  });

  it('a step that fails is named with its error; the others still run', async () => {
    const { shutdown, code, lines } = harness();
    let stopped = false;
    shutdown.add('the hypervisor', async () => (stopped = true));
    shutdown.add('the fleet', async () => {
      throw new Error('socket hang up');
    });
    await shutdown.stop(0);
    expect(stopped).toBe(true);
    expect(code()).toBe(1);
    expect(lines.join('\n')).toContain('the fleet (socket hang up)');
  });

  it('a second stop (second Ctrl-C) abandons the steps at once but still stops the services, and exits non-zero', async () => {
    const { shutdown, code, lines } = harness({ stepTimeoutMs: 60_000, deadlineMs: 60_000 });
    let servicesStopped = false;
    shutdown.addFinal('the local services', async () => {
      await sleep(20);
      servicesStopped = true;
    });
    shutdown.add('the hypervisor', never);
    shutdown.add('the simulated fleet', never);
    const first = shutdown.stop(0);
    await sleep(50);
    expect(code()).toBeUndefined();
    const t0 = Date.now();
    await shutdown.stop(0);
    await first;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(servicesStopped).toBe(true);
    expect(code()).toBe(1);
    expect(lines.join('\n')).toMatch(/second signal: forcing exit[\s\S]*the simulated fleet \(abandoned: forced exit\); the hypervisor \(not stopped: forced exit\)/);
  });

  it('a final step that hangs is bounded too', async () => {
    const lines: string[] = [];
    let exitCode: number | undefined;
    const shutdown = new Shutdown({ log: (l) => lines.push(l), exit: (c) => (exitCode = c) });
    shutdown.addFinal('the local services', never, 100);
    await shutdown.stop(0);
    expect(exitCode).toBe(1);
    expect(lines.join('\n')).toContain('the local services (still running after 100 ms)');
  });
});
