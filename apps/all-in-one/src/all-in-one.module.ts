import { type DynamicModule, Module } from '@nestjs/common';
import { BrokerModule } from '@hv/broker';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { IngestModule, ingestOptionsFrom, type IngestOptions } from '@hv/ingest';
import { ObservabilityModule } from '@hv/observability';
import { StateModule } from '@hv/state';
import { TimeseriesModule } from '@hv/timeseries';
import { PlatformHealth } from '../../common/src/platform-health';
import { credentialStoreProvider, deviceSourceProvider } from '../../common/src/registry.providers';

/** The broker the services consume: the external one when HV_MQTT_URL is set, else the embedded one. */
export function brokerUrlOf(config: HvConfig): string {
  return config.HV_MQTT_URL ?? `mqtt://${config.HV_BROKER_HOST}:${config.HV_BROKER_PORT}`;
}

/**
 * Every service in one process: the embedded aedes broker (unless HV_MQTT_URL names an
 * external one), ingest, /metrics and /health. Telegestion, the API and the notifier join
 * it as they are built.
 */
@Module({})
export class AllInOneModule {
  static forRoot(config: HvConfig, ingest: IngestOptions = ingestOptionsFrom(config, brokerUrlOf(config))): DynamicModule {
    const embedded = !config.HV_MQTT_URL;
    return {
      module: AllInOneModule,
      imports: [
        ObservabilityModule,
        StateModule.forRoot({ url: config.HV_PG_URL, migrate: true }),
        TimeseriesModule.forRoot({ url: config.HV_INFLUX_URL, database: config.HV_INFLUX_DB, createDatabase: true }),
        ...(embedded
          ? [
              BrokerModule.forRoot(
                {
                  host: config.HV_BROKER_HOST,
                  port: config.HV_BROKER_PORT,
                  maxPayloadBytes: config.HV_MAX_PAYLOAD_BYTES,
                  service: { username: config.HV_SERVICE_USERNAME, password: config.HV_SERVICE_PASSWORD },
                },
                credentialStoreProvider,
              ),
            ]
          : []),
        IngestModule.forRoot(ingest, deviceSourceProvider),
      ],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
