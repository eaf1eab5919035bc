import type { DynamicModule } from '@nestjs/common';
import { BrokerModule } from '@hv/broker';
import type { HvConfig } from '@hv/config';
import { StateModule } from '@hv/state';
import { TimeseriesModule } from '@hv/timeseries';
import { logLevels } from './http-app';
import { credentialEventsProvider, credentialStoreProvider } from './registry.providers';

/** The registry (migrated at start-up: migrations are advisory-locked, so N apps may race). */
export function stateModule(config: HvConfig): DynamicModule {
  return StateModule.forRoot({ url: config.HV_PG_URL, migrate: true });
}

export function timeseriesModule(config: HvConfig): DynamicModule {
  return TimeseriesModule.forRoot({ url: config.HV_INFLUX_URL, database: config.HV_INFLUX_DB, createDatabase: true });
}

/**
 * The embedded aedes broker, authenticating against the registry; `thread: 'worker'` runs
 * it on a thread of its own (the all-in-one, where ingest and telegestion share the main one).
 */
export function embeddedBrokerModule(config: HvConfig, thread: 'main' | 'worker' = 'main'): DynamicModule {
  return BrokerModule.forRoot(
    {
      thread,
      logLevels: logLevels(config.HV_LOG_LEVEL),
      host: config.HV_BROKER_HOST,
      port: config.HV_BROKER_PORT,
      maxPayloadBytes: config.HV_MAX_PAYLOAD_BYTES,
      service: { username: config.HV_SERVICE_USERNAME, password: config.HV_SERVICE_PASSWORD },
    },
    credentialStoreProvider,
    credentialEventsProvider(config.HV_PG_URL),
  );
}
