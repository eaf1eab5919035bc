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
 * Keys name everything the figures depend on (the KPI, the tenants asked for, the period and
 * its reference). Concurrent requests for one key share one computation; a failed one is
 * not kept, the next request computes again. At most `maxEntries` questions are kept, the
 * least recently used dropped first: a territory-wide question by commune holds ≈ 800
 * tenants' figures (a few MB at most), and the API runs in a 256 MB heap. The values are
 * shared between requests: callers fold them into new objects and never change them.
 * A current count (connected objects) is kept a shorter `ttlMs` of its own.
 */
export class KpiCache {
  private readonly entries = new Map<string, { until: number; value: Promise<unknown> }>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 32,
    private readonly now: () => number = Date.now,
  ) {}

  /** `ttlMs`: shorter than the configured one for this key (never longer; a configured 0 keeps nothing). */
  get<T>(key: string, compute: () => Promise<T>, ttlMs = this.ttlMs): Promise<T> {
    const ttl = Math.min(ttlMs, this.ttlMs);
    if (ttl <= 0) return compute();
    const t = this.now();
    const hit = this.entries.get(key);
    this.entries.delete(key);
    if (hit && t < hit.until) {
      this.hits++;
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    this.misses++;
    const entry = { until: t + ttl, value: compute() as Promise<unknown> };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return entry.value as Promise<T>;
  }

  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses };
  }
}

/**
 * A question's cache key: the KPI (or answer) it is, the tenants it covers (null: every
 * tenant; a set's order does not matter), and whatever else its figures depend on (periods,
 * a grouping).
 */
export function questionKey(kpi: string, tenants: readonly string[] | null, ...parts: ReadonlyArray<{ fromMs: number; toMs: number } | string>): string {
  const scope = tenants === null ? '*' : [...tenants].sort().join(',');
  return [kpi, scope, ...parts.map((p) => (typeof p === 'string' ? p : `${p.fromMs}-${p.toMs}`))].join('|');
}
