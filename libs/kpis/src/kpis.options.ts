import type { RuleConfig } from '@hv/rules';

export interface KpisOptions {
  /**
   * Per-tenant rule configuration (HV_RULES_FILE; empty: the defaults everywhere), the one
   * place of a tenant's money and carbon factors (`factors`) and parking saturation
   * threshold (`saturation.above_pct`), shared with telegestion's rules.
   */
  rules: ReadonlyMap<string, RuleConfig>;
  /** How long a period KPI's figures are kept for the same question, ms (HV_KPI_CACHE_S; 0: never kept). See KpiCache. */
  cacheTtlMs: number;
}

export const KPIS_OPTIONS = Symbol('KPIS_OPTIONS');
