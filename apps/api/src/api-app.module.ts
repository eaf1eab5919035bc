import { type DynamicModule, Module } from '@nestjs/common';
import { ApiModule, apiOptionsFrom } from '@hv/api';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { ConsoleModule } from '@hv/console';
import { ObservabilityModule } from '@hv/observability';
import { ruleConfigsFrom } from '@hv/telegestion';
import { stateModule, timeseriesModule } from '../../common/src/platform-modules';
import { PlatformHealth } from '../../common/src/platform-health';

/** The HTTP API alone (registry, alarms, programs, time series) and the console at `/`; commands need telegestion in-process (all-in-one). */
@Module({})
export class ApiAppModule {
  static forRoot(config: HvConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [ObservabilityModule, stateModule(config), timeseriesModule(config), ApiModule.forRoot(apiOptionsFrom(config, ruleConfigsFrom(config))), ConsoleModule],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
