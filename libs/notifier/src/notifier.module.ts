import { type DynamicModule, Module } from '@nestjs/common';
import { DeliveryRepository } from './delivery.repository';
import { DigestRepository } from './digest/digest.repository';
import { DigestService } from './digest/digest.service';
import { Mailer } from './mailer';
import { NotifierMetrics } from './notifier.metrics';
import { NOTIFIER_OPTIONS, type NotifierOptions } from './notifier.options';
import { NotifierService } from './notifier.service';
import { SubscriptionRepository } from './subscription.repository';
import { WebhookSender } from './webhook.sender';

/** The notifier in an app: needs the global StateModule (Database) and ObservabilityModule (metrics). */
@Module({})
export class NotifierModule {
  static forRoot(options: NotifierOptions): DynamicModule {
    return {
      module: NotifierModule,
      providers: [
        { provide: NOTIFIER_OPTIONS, useValue: options },
        { provide: WebhookSender, useFactory: () => new WebhookSender({ timeoutMs: options.webhookTimeoutMs, allowPrivate: options.webhookAllowPrivate }) },
        { provide: Mailer, useFactory: () => new Mailer(options.mail) },
        DeliveryRepository,
        DigestRepository,
        DigestService,
        SubscriptionRepository,
        NotifierMetrics,
        NotifierService,
      ],
      exports: [NotifierService, SubscriptionRepository, DigestService],
    };
  }
}
