import type { RuleConfig } from '@hv/rules';

export interface KpisOptions {
  /**
   * Per-tenant rule configuration (HV_RULES_FILE; empty: the defaults everywhere), the one
   * place of a tenant's money and carbon factors (`factors`) and parking saturation
   * threshold (`saturation.above_pct`), shared with telegestion's rules.
   */
  rules: ReadonlyMap<string, RuleConfig>;
}

export const KPIS_OPTIONS = Symbol('KPIS_OPTIONS');
