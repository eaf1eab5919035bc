export interface ApiOptions {
  /** Webhook subscriptions may name loopback and private addresses (HV_WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate: boolean;
}

export const API_OPTIONS = Symbol('API_OPTIONS');
