import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TelegestionMetrics } from './telegestion.metrics';
import { TELEGESTION_OPTIONS, type TelegestionOptions } from './telegestion.options';
import { TELEGESTION_PROVIDERS } from './telegestion.providers';
import { TelegestionService } from './telegestion.service';

/**
 * Telegestion in an app: needs the global StateModule (Database), TimeseriesModule
 * (InfluxRepository) and ObservabilityModule, and `deviceSource`, a provider of the registry
 * as a DeviceSource (e.g. `{ provide: TELEGESTION_DEVICE_SOURCE, useExisting: DeviceRepository }`).
 */
@Module({})
export class TelegestionModule {
  static forRoot(options: TelegestionOptions, deviceSource: Provider): DynamicModule {
    return {
      module: TelegestionModule,
      providers: [deviceSource, { provide: TELEGESTION_OPTIONS, useValue: options }, TelegestionMetrics, ...TELEGESTION_PROVIDERS, TelegestionService],
      exports: [TelegestionService],
    };
  }
}
