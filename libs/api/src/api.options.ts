import type { RuleConfig } from '@hv/rules';

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
}

export const API_OPTIONS = Symbol('API_OPTIONS');
