import { type DynamicModule, Module } from '@nestjs/common';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { ObservabilityModule } from '@hv/observability';
import { embeddedBrokerModule, stateModule } from '../../common/src/platform-modules';
import { PlatformHealth } from '../../common/src/platform-health';

/** The embedded aedes broker on its own, authenticating against the registry. */
@Module({})
export class BrokerAppModule {
  static forRoot(config: HvConfig): DynamicModule {
    return {
      module: BrokerAppModule,
      imports: [ObservabilityModule, stateModule(config), embeddedBrokerModule(config)],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
