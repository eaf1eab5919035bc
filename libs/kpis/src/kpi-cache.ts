import { TtlCache } from '@hv/cache';

/**
 * The period KPIs' figures per tenant, computed once per question and kept a short while
 * (HV_KPI_CACHE_S, 60 s by default; 0 computes every answer afresh).
 *
 * Why: a period KPI reads every commune's rollups over the period, the luminaires' ratings
 * and a year-earlier reference (30 days of the Aisne's energy: ≈ 0.7 s),
 * while the boards and the CDN's pages ask the same question again and again. The periods
 * are whole hours that are over, whose rollups change only when the aggregation rewrites
 * its last hours or late data come in: an answer at most one TTL old is what a dashboard of
 * such a platform shows anyway.
 *
 * Keys name everything the figures depend on (`questionKey`: the KPI, the tenants asked
 * for, the period and its reference). A `TtlCache` of 32 questions: a territory-wide
 * question by commune holds ≈ 800 tenants' figures (a few MB at most), and the API runs in
 * a 256 MB heap. Callers fold the shared figures into new objects and never change them.
 * A current count (connected objects) is kept a shorter `ttlMs` of its own. Its own class,
 * so that Nest injects the KPIs' cache by name.
 */
export class KpiCache extends TtlCache {}

/**
 * A question's cache key: the KPI (or answer) it is, the tenants it covers (null: every
 * tenant; a set's order does not matter), and whatever else its figures depend on (periods,
 * a grouping).
 */
export function questionKey(kpi: string, tenants: readonly string[] | null, ...parts: ReadonlyArray<{ fromMs: number; toMs: number } | string>): string {
  const scope = tenants === null ? '*' : [...tenants].sort().join(',');
  return [kpi, scope, ...parts.map((p) => (typeof p === 'string' ? p : `${p.fromMs}-${p.toMs}`))].join('|');
}
