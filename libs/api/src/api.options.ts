import type { HvConfig } from '@hv/config';
import type { RuleConfig } from '@hv/rules';

/** People's accounts and sessions (the console). */
export interface AccountOptions {
  /** HV_PUBLIC_URL: the start of e-mail links; https makes the session cookie Secure. */
  publicUrl: string;
  /** A session ends after this long without a request, ms. */
  sessionIdleMs: number;
  /** … and this long after login, ms. */
  sessionMaxMs: number;
  /** SMTP for invitations and password resets (unset url: no e-mail is sent, and the answer says so). */
  mail: { url?: string; from: string };
}

export interface ApiOptions {
  /** Webhook subscriptions may name loopback and private addresses (HV_WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate: boolean;
  /**
   * Per-tenant rule configuration (HV_RULES_FILE, read once by the app and shared with
   * telegestion): the KPIs price savings with its factors.
   */
  rules: ReadonlyMap<string, RuleConfig>;
  /** HV_KPI_CACHE_S in ms: see KpiCache. */
  kpiCacheTtlMs: number;
  accounts: AccountOptions;
}

export const API_OPTIONS = Symbol('API_OPTIONS');

/** The API's options from the configuration (the api app and the all-in-one alike). */
export function apiOptionsFrom(config: HvConfig, rules: ReadonlyMap<string, RuleConfig>): ApiOptions {
  return {
    webhookAllowPrivate: config.HV_WEBHOOK_ALLOW_PRIVATE,
    rules,
    kpiCacheTtlMs: config.HV_KPI_CACHE_S * 1000,
    accounts: {
      publicUrl: (config.HV_PUBLIC_URL ?? `http://${config.HV_HTTP_HOST.includes(':') ? `[${config.HV_HTTP_HOST}]` : config.HV_HTTP_HOST}:${config.HV_HTTP_PORT}`).replace(/\/+$/, ''),
      sessionIdleMs: config.HV_SESSION_IDLE_MIN * 60_000,
      sessionMaxMs: config.HV_SESSION_MAX_H * 3_600_000,
      mail: { ...(config.HV_SMTP_URL ? { url: config.HV_SMTP_URL } : {}), from: config.HV_SMTP_FROM },
    },
  };
}
