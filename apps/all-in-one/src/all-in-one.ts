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
  /** Let Nest's shutdown hooks handle SIGINT/SIGTERM (default true); see createHttpApp. */
  nestSignalHooks?: boolean;
}

/** Starts the all-in-one hypervisor (used by main.ts, the demo and the end-to-end tests). */
export async function startAllInOne(config: HvConfig, options: StartOptions = {}): Promise<RunningPlatform> {
  const brokerUrl = brokerUrlOf(config);
  const ingest = ingestOptionsFrom(config, brokerUrl);
  const app = await createHttpApp(AllInOneModule.forRoot(config, ingest), config, { signalHooks: options.nestSignalHooks });
  try {
    connectIngestTransport(app, ingest.mqtt);
    const httpUrl = await startApp(app, config);
    return { app, httpUrl, brokerUrl, close: () => app.close() };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
