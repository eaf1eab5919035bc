import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('computes a key once within the TTL, again after it', async () => {
    let now = 0;
    let computed = 0;
    const cache = new TtlCache(60_000, 10, () => now);
    const compute = async () => ++computed;
    expect(await cache.get('energy|*|0|1', compute)).toBe(1);
    now = 59_999;
    expect(await cache.get('energy|*|0|1', compute)).toBe(1);
    now = 60_000;
    expect(await cache.get('energy|*|0|1', compute)).toBe(2);
    expect(cache.stats()).toEqual({ entries: 1, hits: 1, misses: 2 });
  });

  it('shares one computation between concurrent requests for a key, not between keys', async () => {
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const cache = new TtlCache(60_000);
    const compute = async () => {
      computed++;
      await gate;
      return computed;
    };
    const asked = [cache.get('a', compute), cache.get('a', compute), cache.get('a', compute), cache.get('b', compute)];
    release();
    await Promise.all(asked);
    expect(computed).toBe(2);
  });

  it('does not keep a failure: the next request computes again', async () => {
    const cache = new TtlCache(60_000);
    await expect(cache.get('a', async () => Promise.reject(new Error('InfluxDB down')))).rejects.toThrow('InfluxDB down');
    expect(await cache.get('a', async () => 7)).toBe(7);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    let computed = 0;
    const cache = new TtlCache(60_000, 2);
    const compute = async () => ++computed;
    await cache.get('a', compute);
    await cache.get('b', compute);
    await cache.get('a', compute); // a is now the most recent
    await cache.get('c', compute); // drops b
    expect(cache.stats().entries).toBe(2);
    expect(await cache.get('a', compute)).toBe(1);
    expect(await cache.get('b', compute)).toBe(4);
  });

  it('keeps a key its own shorter TTL, never longer than the configured one', async () => {
    let now = 0;
    let computed = 0;
    const cache = new TtlCache(60_000, 10, () => now);
    const compute = async () => ++computed;
    await cache.get('objects', compute, 5_000);
    await cache.get('long', compute, 120_000);
    now = 4_999;
    expect(await cache.get('objects', compute, 5_000)).toBe(1);
    now = 5_000;
    expect(await cache.get('objects', compute, 5_000)).toBe(3);
    now = 60_000;
    expect(await cache.get('long', compute, 120_000)).toBe(4);
    expect(await new TtlCache(0).get('objects', compute, 5_000)).toBe(5);
  });

  it('computes every time with a TTL of 0', async () => {
    let computed = 0;
    const cache = new TtlCache(0);
    await cache.get('a', async () => ++computed);
    await cache.get('a', async () => ++computed);
    expect(computed).toBe(2);
  });
});
