/**
 * A bounded shutdown for the commands that start things (the demo, the all-in-one app):
 * steps run in the reverse order of their registration, each within its own bound, the
 * whole within a deadline; the final steps (the local services a command started) run
 * whatever happened before them, even after a second Ctrl-C. One hung step (an mqtt.js
 * `endAsync()` waiting for the PUBACK of a device that lost its connection) must not keep
 * the command and its InfluxDB and PostgreSQL running.
 */

/** Default bound of one step, ms. */
export const STEP_TIMEOUT_MS = 5_000;
/** Default bound of the steps before the final ones, ms. */
export const SHUTDOWN_DEADLINE_MS = 10_000;
/** Default bound of one final step, ms (infra/services.sh waits HV_STOP_TIMEOUT, 20 s, before SIGKILL). */
export const FINAL_STEP_TIMEOUT_MS = 30_000;

export interface ShutdownOptions {
  stepTimeoutMs?: number;
  deadlineMs?: number;
  log?: (line: string) => void;
  /** Ends the process (process.exit); injectable for tests. */
  exit?: (code: number) => void;
}

interface Step {
  name: string;
  run: () => Promise<unknown>;
  timeoutMs: number;
}

type Outcome = 'done' | 'timeout' | 'forced' | Error;

export class Shutdown {
  private readonly steps: Step[] = [];
  private readonly finals: Step[] = [];
  private readonly stepTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly log: (line: string) => void;
  private readonly exit: (code: number) => void;
  private running?: Promise<void>;
  private forceNow?: () => void;
  private readonly forced: Promise<'forced'>;
  private isForced = false;

  constructor(options: ShutdownOptions = {}) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? STEP_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
    this.log = options.log ?? ((line) => console.error(line));
    this.exit = options.exit ?? ((code) => process.exit(code));
    this.forced = new Promise((resolve) => (this.forceNow = () => resolve('forced')));
  }

  get stopping(): boolean {
    return this.running !== undefined;
  }

  /** Registers what to stop; steps stop in the reverse order of registration. */
  add(name: string, run: () => Promise<unknown>, timeoutMs = this.stepTimeoutMs): void {
    this.steps.push({ name, run, timeoutMs });
  }

  /** Registers what must stop in every case, after the steps (the services a command started). */
  addFinal(name: string, run: () => Promise<unknown>, timeoutMs = FINAL_STEP_TIMEOUT_MS): void {
    this.finals.push({ name, run, timeoutMs });
  }

  /**
   * First call: the orderly stop, then exit with `code` (1 when a step failed or overran,
   * naming it). A second call (a second Ctrl-C) abandons what remains of the steps and goes
   * to the final ones at once.
   */
  stop(code: number): Promise<void> {
    if (this.running) {
      this.log('second signal: forcing exit (still stopping the services this command started)');
      this.isForced = true;
      this.forceNow!();
      return this.running;
    }
    this.running = this.run(code);
    return this.running;
  }

  private async run(code: number): Promise<void> {
    const failed: string[] = [];
    const deadline = Date.now() + this.deadlineMs;
    // Set once a step's bound was what was left of the deadline and it ran out: the timer and
    // Date.now() may disagree by a millisecond, which must not leave the next step 1 ms.
    let deadlinePassed = false;
    for (const step of [...this.steps].reverse()) {
      const left = deadline - Date.now();
      if (this.isForced || deadlinePassed || left <= 0) {
        failed.push(`${step.name} (not stopped: ${this.isForced ? 'forced exit' : `shutdown deadline of ${this.deadlineMs} ms passed`})`);
        continue;
      }
      const bound = Math.min(step.timeoutMs, left);
      const outcome = await bounded(step.run, bound, this.forced);
      if (outcome === 'timeout' && bound === left) deadlinePassed = true;
      if (outcome !== 'done') failed.push(describe(step.name, outcome, bound));
    }
    for (const step of [...this.finals].reverse()) {
      const outcome = await bounded(step.run, step.timeoutMs, new Promise<never>(() => undefined));
      if (outcome !== 'done') failed.push(describe(step.name, outcome, step.timeoutMs));
    }
    if (failed.length) this.log(`did not stop cleanly: ${failed.join('; ')}`);
    this.exit(failed.length || this.isForced ? Math.max(code, 1) : code);
  }
}

function describe(name: string, outcome: Exclude<Outcome, 'done'>, timeoutMs: number): string {
  if (outcome === 'timeout') return `${name} (still running after ${timeoutMs} ms)`;
  if (outcome === 'forced') return `${name} (abandoned: forced exit)`;
  return `${name} (${outcome.message})`;
}

/** Runs `run` until it settles, `timeoutMs` passes or `abort` resolves, whichever comes first. */
async function bounded(run: () => Promise<unknown>, timeoutMs: number, abort: Promise<'forced'>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const work = Promise.resolve()
      .then(run)
      .then(
        () => 'done' as const,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
    return await Promise.race([work, timeout, abort]);
  } finally {
    clearTimeout(timer);
  }
}
