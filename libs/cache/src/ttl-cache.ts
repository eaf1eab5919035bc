/**
 * Values computed once per key and kept `ttlMs`: concurrent requests for one key share one
 * computation; a failed one is not kept, the next request computes again. At most
 * `maxEntries` keys are kept, the least recently used dropped first. A `ttlMs` of 0 keeps
 * nothing and computes every answer afresh. The values are shared between callers, who
 * must not change them. Hits and misses are counted (`stats`).
 */
export class TtlCache {
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
