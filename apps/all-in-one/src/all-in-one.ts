import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HvConfig } from '@hv/config';
import { ingestOptionsFrom } from '@hv/ingest';
import { connectIngestTransport, createHttpApp, startApp } from '../../common/src/http-app';
import { AllInOneModule, brokerUrlOf } from './all-in-one.module';

export interface RunningPlatform {
  app: NestFastifyApplication;
  /** Where /metrics and /health answer. */
  httpUrl: string;
  /** The broker devices connect to. */
  brokerUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Let Nest's shutdown hooks handle SIGINT/SIGTERM (default true). The demo and main.ts
   * say false and stop the platform themselves, within bounds: Nest's hook closes the app
   * with no time limit, concurrently with the caller's own stop, then raises the signal
   * again (which the demo would take for a second Ctrl-C).
   */
  nestSignalHooks?: boolean;
}

/** The signals Nest's enableShutdownHooks() listens to when given none (ShutdownSignal). */
const NEST_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGUSR2', 'SIGTERM'] as const;

/** Starts the all-in-one hypervisor (used by main.ts, the demo and the end-to-end tests). */
export async function startAllInOne(config: HvConfig, options: StartOptions = {}): Promise<RunningPlatform> {
  const brokerUrl = brokerUrlOf(config);
  const ingest = ingestOptionsFrom(config, brokerUrl);
  const before = new Map(NEST_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const app = await createHttpApp(AllInOneModule.forRoot(config, ingest), config);
  if (options.nestSignalHooks === false) {
    for (const s of NEST_SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  }
  try {
    connectIngestTransport(app, ingest.mqtt);
    const httpUrl = await startApp(app, config);
    return { app, httpUrl, brokerUrl, close: () => app.close() };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
