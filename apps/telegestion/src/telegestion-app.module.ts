import { type DynamicModule, Module } from '@nestjs/common';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { ObservabilityModule } from '@hv/observability';
import { TelegestionModule, type TelegestionOptions } from '@hv/telegestion';
import { stateModule, timeseriesModule } from '../../common/src/platform-modules';
import { PlatformHealth } from '../../common/src/platform-health';
import { telegestionDeviceSourceProvider } from '../../common/src/registry.providers';

/** Telegestion alone, on an external broker (instances own disjoint sets of tenants when scaled out). */
@Module({})
export class TelegestionAppModule {
  static forRoot(config: HvConfig, telegestion: TelegestionOptions): DynamicModule {
    return {
      module: TelegestionAppModule,
      imports: [ObservabilityModule, stateModule(config), timeseriesModule(config), TelegestionModule.forRoot(telegestion, telegestionDeviceSourceProvider)],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
