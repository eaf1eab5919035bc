import type { DynamicModule, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { apiFrameworkErrors } from '@hv/api';
import type { HvConfig } from '@hv/config';
import { HealthRegistry } from '@hv/observability';
import { IngestMetrics } from '@hv/ingest';
import { DurableMqttServer, type DurableMqttOptions } from '@hv/uplink';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest log levels at and above the configured one. */
export function logLevels(level: HvConfig['HV_LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/** A Nest application on Fastify (serves /metrics and /health; the API later). */
/**
 * `signalHooks: false` leaves SIGINT/SIGTERM to the caller (the demo and the all-in-one's
 * main.ts stop within bounds): Nest's hook closes the app with no time limit, alongside the
 * caller's own stop, then raises the signal again (the demo took it for a second Ctrl-C).
 */
export async function createHttpApp(module: DynamicModule, config: HvConfig, options: { signalHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ bodyLimit: 1_048_576, frameworkErrors: apiFrameworkErrors, ...(config.HV_TRUST_PROXY ? { trustProxy: config.HV_TRUST_PROXY } : {}) }), {
    logger: logLevels(config.HV_LOG_LEVEL),
    abortOnError: false,
  });
  if (options.signalHooks !== false) app.enableShutdownHooks();
  return app;
}

/**
 * Attaches the durable MQTT transport (the ingest consumer) to the application, with its
 * broker reachability in /health and its in-flight count in /metrics.
 */
export function connectIngestTransport(app: NestFastifyApplication, options: DurableMqttOptions): DurableMqttServer {
  const transport = new DurableMqttServer(options);
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  app.get(HealthRegistry).register({ name: 'mqtt', check: async () => transport.connected });
  app.get(IngestMetrics).inflight = () => transport.inflight;
  return transport;
}

/** Init (modules start: migrations, embedded broker), then the transports, then HTTP. */
export async function startApp(app: NestFastifyApplication, config: HvConfig): Promise<string> {
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.HV_HTTP_PORT, config.HV_HTTP_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HV_HTTP_PORT;
  return `http://${config.HV_HTTP_HOST}:${port}`;
}
