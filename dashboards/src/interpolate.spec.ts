import { describe, expect, it } from 'vitest';
import { formatVariable, interpolate } from './interpolate';

describe('Grafana variable substitution', () => {
  const epci = { name: 'epci', type: 'query', multi: true, includeAll: true, allValue: '.*' };
  const commune = { name: 'commune', type: 'query', multi: true, includeAll: true };

  it('formats "All" as the allValue, or as an alternation of every value when there is none', () => {
    expect(formatVariable(epci, { values: ['200043495', '240200477'], all: true })).toBe('.*');
    expect(formatVariable(commune, { values: ['02408', '02722'], all: true })).toBe('(02408|02722)');
    expect(formatVariable(commune, { values: ['lc-02408.c1'], all: false })).toBe('lc-02408\\.c1');
  });

  it('replaces $timeFilter, $__interval and both spellings of a variable, and refuses an unknown one', () => {
    const q = 'SELECT mean("x") FROM "m" WHERE $timeFilter AND "tenant" =~ /^${commune}$/ AND "e" =~ /^$epci$/ GROUP BY time($__interval)';
    expect(interpolate(q, new Map([['commune', '(a|b)'], ['epci', '.*']]), { fromMs: 1000, toMs: 2000 }, '10m')).toBe(
      'SELECT mean("x") FROM "m" WHERE time >= 1000ms and time <= 2000ms AND "tenant" =~ /^(a|b)$/ AND "e" =~ /^.*$/ GROUP BY time(10m)',
    );
    expect(() => interpolate('SELECT * FROM "$rp"."m"', new Map(), { fromMs: 0, toMs: 1 }, '1m')).toThrow(/\$rp/);
  });
});
