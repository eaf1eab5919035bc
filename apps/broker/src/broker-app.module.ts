import { type DynamicModule, Module } from '@nestjs/common';
import { BrokerModule } from '@hv/broker';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { ObservabilityModule } from '@hv/observability';
import { StateModule } from '@hv/state';
import { PlatformHealth } from '../../common/src/platform-health';
import { credentialStoreProvider } from '../../common/src/registry.providers';

/** The embedded aedes broker on its own, authenticating against the registry. */
@Module({})
export class BrokerAppModule {
  static forRoot(config: HvConfig): DynamicModule {
    return {
      module: BrokerAppModule,
      imports: [
        ObservabilityModule,
        StateModule.forRoot({ url: config.HV_PG_URL, migrate: true }),
        BrokerModule.forRoot(
          {
            host: config.HV_BROKER_HOST,
            port: config.HV_BROKER_PORT,
            maxPayloadBytes: config.HV_MAX_PAYLOAD_BYTES,
            service: { username: config.HV_SERVICE_USERNAME, password: config.HV_SERVICE_PASSWORD },
          },
          credentialStoreProvider,
        ),
      ],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
