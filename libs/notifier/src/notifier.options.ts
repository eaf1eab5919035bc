import type { HvConfig } from '@hv/config';
import type { MailerOptions } from './mailer';

export interface NotifierOptions {
  /** How often new alarms are looked for and due deliveries sent, ms. */
  pollMs: number;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts: number;
  /** First retry delay, ms; doubles per attempt, capped at MAX_RETRY_DELAY_MS. */
  retryBaseMs: number;
  webhookTimeoutMs: number;
  /** Webhooks may reach loopback and private addresses (tests; a syndicate's own network). */
  webhookAllowPrivate: boolean;
  mail: MailerOptions;
  /** Paris wall-clock time (HH:MM) the energy-savings digests leave at; weekly ones on Monday. */
  digestSendAt: string;
}

export const NOTIFIER_OPTIONS = Symbol('NOTIFIER_OPTIONS');

export function notifierOptionsFrom(config: HvConfig): NotifierOptions {
  return {
    pollMs: config.HV_NOTIFIER_POLL_MS,
    maxAttempts: config.HV_NOTIFIER_MAX_ATTEMPTS,
    retryBaseMs: config.HV_NOTIFIER_RETRY_BASE_MS,
    webhookTimeoutMs: config.HV_WEBHOOK_TIMEOUT_MS,
    webhookAllowPrivate: config.HV_WEBHOOK_ALLOW_PRIVATE,
    mail: { ...(config.HV_SMTP_URL ? { url: config.HV_SMTP_URL } : {}), from: config.HV_SMTP_FROM },
    digestSendAt: config.HV_DIGEST_SEND_AT,
  };
}
