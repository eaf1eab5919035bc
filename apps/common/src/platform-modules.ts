import type { DynamicModule } from '@nestjs/common';
import { BrokerModule } from '@hv/broker';
import type { HvConfig } from '@hv/config';
import { StateModule } from '@hv/state';
import { TimeseriesModule } from '@hv/timeseries';
import { credentialEventsProvider, credentialStoreProvider } from './registry.providers';

/** The registry (migrated at start-up: migrations are advisory-locked, so N apps may race). */
export function stateModule(config: HvConfig): DynamicModule {
  return StateModule.forRoot({ url: config.HV_PG_URL, migrate: true });
}

export function timeseriesModule(config: HvConfig): DynamicModule {
  return TimeseriesModule.forRoot({ url: config.HV_INFLUX_URL, database: config.HV_INFLUX_DB, createDatabase: true });
}

/** The embedded aedes broker, authenticating against the registry. */
export function embeddedBrokerModule(config: HvConfig): DynamicModule {
  return BrokerModule.forRoot(
    {
      host: config.HV_BROKER_HOST,
      port: config.HV_BROKER_PORT,
      maxPayloadBytes: config.HV_MAX_PAYLOAD_BYTES,
      service: { username: config.HV_SERVICE_USERNAME, password: config.HV_SERVICE_PASSWORD },
    },
    credentialStoreProvider,
    credentialEventsProvider(config.HV_PG_URL),
  );
}
