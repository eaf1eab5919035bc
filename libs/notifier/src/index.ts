/** Alert delivery: subscriptions, webhooks signed with HMAC-SHA256, e-mail, retries and dead letters. */
export * from './alert-message';
export * from './delivery.repository';
export * from './digest/digest-message';
export * from './digest/digest-period';
export * from './digest/digest.repository';
export * from './digest/digest.service';
export * from './mailer';
export * from './notifier.metrics';
export * from './notifier.module';
export * from './notifier.options';
export * from './notifier.service';
export * from './quiet-hours';
export * from './subscription.repository';
export * from './webhook.sender';
export * from './webhook-address.guard';
export * from './special-addresses';
