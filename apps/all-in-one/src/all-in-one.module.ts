import { type DynamicModule, Module } from '@nestjs/common';
import { AggregatesModule } from '@hv/aggregates';
import { ApiModule, apiOptionsFrom } from '@hv/api';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { ConsoleModule } from '@hv/console';
import { IngestModule, ingestOptionsFrom, type IngestOptions } from '@hv/ingest';
import { NotifierModule, notifierOptionsFrom } from '@hv/notifier';
import { ObservabilityModule } from '@hv/observability';
import { TelegestionModule, telegestionOptionsFrom, type TelegestionOptions } from '@hv/telegestion';
import { embeddedBrokerModule, stateModule, timeseriesModule } from '../../common/src/platform-modules';
import { PlatformHealth } from '../../common/src/platform-health';
import { deviceSourceProvider, telegestionDeviceSourceProvider } from '../../common/src/registry.providers';

/** The broker the services consume: the external one when HV_MQTT_URL is set, else the embedded one. */
export function brokerUrlOf(config: HvConfig): string {
  return config.HV_MQTT_URL ?? `mqtt://${config.HV_BROKER_HOST}:${config.HV_BROKER_PORT}`;
}

/**
 * Every service in one process: the embedded aedes broker on a worker thread of its own
 * (unless HV_MQTT_URL names an external one), ingest, telegestion, the aggregation (ATMO, rollups), the HTTP API, the
 * notifier, the console at `/`, /metrics and /health.
 */
@Module({})
export class AllInOneModule {
  static forRoot(
    config: HvConfig,
    ingest: IngestOptions = ingestOptionsFrom(config, brokerUrlOf(config)),
    telegestion: TelegestionOptions = telegestionOptionsFrom(config, brokerUrlOf(config)),
  ): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        ObservabilityModule,
        stateModule(config),
        timeseriesModule(config),
        ...(config.HV_MQTT_URL ? [] : [embeddedBrokerModule(config, 'worker')]),
        IngestModule.forRoot(ingest, deviceSourceProvider),
        TelegestionModule.forRoot(telegestion, telegestionDeviceSourceProvider),
        AggregatesModule.forRoot({ everyS: config.HV_AGGREGATES_EVERY_S }),
        ApiModule.forRoot(apiOptionsFrom(config, telegestion.rules)),
        NotifierModule.forRoot(notifierOptionsFrom(config)),
        ConsoleModule,
      ],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
