import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BrokerModuleOptions, BrokerRunner, BrokerStats } from './broker-runner';
import type { CredentialEvent } from './credential-events';
import type { CredentialStore } from './registry-authority';

/** Messages from the owning thread to the broker's worker. */
export type ToBrokerWorker =
  | { t: 'changed'; event: CredentialEvent }
  | { t: 'reset' }
  | { t: 'stats'; id: number }
  | { t: 'reply'; id: number; value?: unknown; error?: string }
  | { t: 'stop' };

/** Messages from the broker's worker to the owning thread. */
export type FromBrokerWorker =
  | { t: 'started'; port: number }
  | { t: 'failed'; message: string }
  | { t: 'call'; id: number; method: keyof CredentialStore; args: unknown[] }
  | { t: 'stats'; id: number; stats: BrokerStats }
  | { t: 'stopped' };

/** What the worker is started with (workerData). */
export type BrokerWorkerData = Omit<BrokerModuleOptions, 'thread'>;

const STOP_TIMEOUT_MS = 10_000;

/**
 * The embedded broker on a worker thread of its own: aedes' packet handling, ACLs and
 * fan-out no longer share an event loop with ingest and telegestion, which consume
 * through it. The worker holds aedes and the registry authority (its caches); the
 * registry's reads (the CredentialStore), the credential events and the metrics stay on
 * this thread, and cross by messages: one per cache miss, event or scrape, none per
 * published message.
 */
export class BrokerThread implements BrokerRunner {
  private readonly logger = new Logger('EmbeddedBroker');
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly statsWaiters = new Map<number, { resolve: (s: BrokerStats) => void; reject: (e: Error) => void }>();
  private exited: Promise<void> = Promise.resolve();
  private alive = false;
  port = 0;

  constructor(
    private readonly options: BrokerModuleOptions,
    private readonly store: CredentialStore,
  ) {}

  start(): Promise<void> {
    const { thread: _thread, ...data } = this.options;
    const worker = new Worker(workerScript(), { workerData: data satisfies BrokerWorkerData, name: 'hv-broker' });
    this.worker = worker;
    this.alive = true;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromBrokerWorker) => {
        switch (msg.t) {
          case 'started':
            this.port = msg.port;
            resolve();
            break;
          case 'failed':
            reject(new Error(msg.message));
            break;
          case 'call':
            this.answer(msg.id, msg.method, msg.args);
            break;
          case 'stats':
            this.statsWaiters.get(msg.id)?.resolve(msg.stats);
            this.statsWaiters.delete(msg.id);
            break;
          case 'stopped':
            break;
        }
      });
      worker.on('error', (error) => {
        this.logger.error(`broker thread failed: ${error.stack ?? error.message}`);
        reject(error);
      });
      worker.once('exit', (code) => {
        this.alive = false;
        for (const w of this.statsWaiters.values()) w.reject(new Error(`broker thread exited (${code})`));
        this.statsWaiters.clear();
        reject(new Error(`broker thread exited (${code}) before listening`));
      });
    });
  }

  /** A registry read the worker's authority asked for. */
  private answer(id: number, method: keyof CredentialStore, args: unknown[]): void {
    const read = (this.store[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    read.then(
      (value) => this.post({ t: 'reply', id, value }),
      (error: Error) => this.post({ t: 'reply', id, error: error.message }),
    );
  }

  private post(msg: ToBrokerWorker): void {
    if (this.alive) this.worker?.postMessage(msg);
  }

  changed(event: CredentialEvent): void {
    this.post({ t: 'changed', event });
  }

  reset(): void {
    this.post({ t: 'reset' });
  }

  stats(): Promise<BrokerStats> {
    if (!this.alive) return Promise.resolve({ listening: false, connectedClients: 0, refused: {} });
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.statsWaiters.set(id, { resolve, reject });
      this.post({ t: 'stats', id });
    });
  }

  /** Closes aedes and its listener in the worker (clients disconnected), then lets the thread end. */
  async stop(): Promise<void> {
    if (!this.worker) return;
    this.post({ t: 'stop' });
    const timer = setTimeout(() => void this.worker?.terminate(), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The worker's script. Compiled, it is beside this file; when the sources run under the
 * test runner (TypeScript, which a worker thread cannot load), it is the build's
 * (`npm run build` first, as for the apps the tests start as processes).
 */
function workerScript(): string {
  if (__filename.endsWith('.js')) return join(__dirname, 'broker-worker.js');
  const built = resolve(__dirname, '..', '..', '..', 'dist', 'libs', 'broker', 'src', 'broker-worker.js');
  if (!existsSync(built)) throw new Error(`the broker's worker thread runs ${built}: run npm run build first`);
  return built;
}
