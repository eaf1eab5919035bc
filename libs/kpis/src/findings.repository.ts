import { Injectable } from '@nestjs/common';
import { Database } from '@hv/state';
import { addSavings, noSavings, roundSavings, type Savings } from './figures';
import type { KpiPeriod } from './period';
import type { TenantSet } from './rollup.reader';

/** The energy-saving findings of a tenant (or a group) closed in a period. */
export interface FindingFigures {
  /** Findings cleared in the period that carry savings. */
  cleared: number;
  /** The energy they wasted while active, priced with the factors of their tenant when they were cleared. */
  savings: Savings;
  byDomain: Record<string, { cleared: number; savings: Savings }>;
}

/**
 * Telegestion's findings (alarms of kind `finding`: lit outside the program, R241-26/27,
 * mild-weather heating) cleared in the period, with the energy each wasted while it was
 * active (`savings_*`, from the device's own meter): what acting on them stopped. Reported
 * beside the metered savings, never added to them: that waste is already in the meters.
 * Cost: the tenants' cleared alarms of the period (PostgreSQL, alarms_tenant_state_idx).
 */
@Injectable()
export class FindingsRepository {
  constructor(private readonly db: Database) {}

  async perTenant(tenants: TenantSet, period: KpiPeriod): Promise<Map<string, FindingFigures>> {
    const { rows } = await this.db.query<{ tenant: string; domain: string; n: number; kwh: number; eur: number; kgco2: number }>(
      `SELECT tenant_id AS tenant, domain, count(*)::int AS n,
         sum(savings_kwh)::float8 AS kwh, COALESCE(sum(savings_eur), 0)::float8 AS eur, COALESCE(sum(savings_kgco2), 0)::float8 AS kgco2
       FROM alarms
       WHERE kind = 'finding' AND state = 'cleared' AND savings_kwh IS NOT NULL
         AND cleared_at >= $2 AND cleared_at < $3 AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[]))
       GROUP BY tenant_id, domain`,
      [tenants, new Date(period.fromMs), new Date(period.toMs)],
    );
    const out = new Map<string, FindingFigures>();
    for (const r of rows) {
      const f = out.get(r.tenant) ?? out.set(r.tenant, { cleared: 0, savings: noSavings(), byDomain: {} }).get(r.tenant)!;
      const s = { kwh: r.kwh, eur: r.eur, kgco2: r.kgco2 };
      f.cleared += r.n;
      addSavings(f.savings, s);
      f.byDomain[r.domain] = { cleared: r.n, savings: s };
    }
    return out;
  }
}

export function foldFindings(parts: readonly FindingFigures[]): FindingFigures {
  const out: FindingFigures = { cleared: 0, savings: noSavings(), byDomain: {} };
  for (const p of parts) {
    out.cleared += p.cleared;
    addSavings(out.savings, p.savings);
    for (const [domain, d] of Object.entries(p.byDomain)) {
      const into = (out.byDomain[domain] ??= { cleared: 0, savings: noSavings() });
      into.cleared += d.cleared;
      addSavings(into.savings, d.savings);
    }
  }
  return out;
}

export function findingsAnswer(f: FindingFigures) {
  return {
    cleared: f.cleared,
    savings: roundSavings(f.savings),
    by_domain: Object.fromEntries(Object.entries(f.byDomain).sort().map(([d, v]) => [d, { cleared: v.cleared, savings: roundSavings(v.savings) }])),
  };
}
