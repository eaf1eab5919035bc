import { type DynamicModule, Module } from '@nestjs/common';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { IngestModule, type IngestOptions } from '@hv/ingest';
import { ObservabilityModule } from '@hv/observability';
import { stateModule, timeseriesModule } from '../../common/src/platform-modules';
import { PlatformHealth } from '../../common/src/platform-health';
import { deviceSourceProvider } from '../../common/src/registry.providers';

/** Ingest alone, on an external broker: run N of them on one shared subscription to scale out. */
@Module({})
export class IngestAppModule {
  static forRoot(config: HvConfig, ingest: IngestOptions): DynamicModule {
    return {
      module: IngestAppModule,
      imports: [ObservabilityModule, stateModule(config), timeseriesModule(config), IngestModule.forRoot(ingest, deviceSourceProvider)],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
