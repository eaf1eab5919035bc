import { type DynamicModule, Module } from '@nestjs/common';
import { HV_CONFIG, type HvConfig } from '@hv/config';
import { NotifierModule, notifierOptionsFrom } from '@hv/notifier';
import { ObservabilityModule } from '@hv/observability';
import { stateModule } from '../../common/src/platform-modules';
import { PlatformHealth } from '../../common/src/platform-health';

/** The notifier alone: reads alarms and subscriptions from PostgreSQL, sends webhooks and e-mail. */
@Module({})
export class NotifierAppModule {
  static forRoot(config: HvConfig): DynamicModule {
    return {
      module: NotifierAppModule,
      imports: [ObservabilityModule, stateModule(config), NotifierModule.forRoot(notifierOptionsFrom(config))],
      providers: [{ provide: HV_CONFIG, useValue: config }, PlatformHealth],
    };
  }
}
