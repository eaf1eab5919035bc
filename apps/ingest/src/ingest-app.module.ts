import { type DynamicModule, Module } from '@nestjs/common';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { IngestModule, type IngestOptions } from '@hv/ingest';
import { ObservabilityModule } from '@hv/observability';
import { StateModule } from '@hv/state';
import { TimeseriesModule } from '@hv/timeseries';
import { PlatformHealth } from '../../common/src/platform-health';
import { deviceSourceProvider } from '../../common/src/registry.providers';

/** Ingest alone, on an external broker: run N of them on one shared subscription to scale out. */
@Module({})
export class IngestAppModule {
  static forRoot(config: HvConfig, ingest: IngestOptions): DynamicModule {
    return {
      module: IngestAppModule,
      imports: [
        ObservabilityModule,
        StateModule.forRoot({ url: config.HV_PG_URL, migrate: true }),
        TimeseriesModule.forRoot({ url: config.HV_INFLUX_URL, database: config.HV_INFLUX_DB, createDatabase: true }),
        IngestModule.forRoot(ingest, deviceSourceProvider),
      ],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
