import { describe, expect, it } from 'vitest';
import { kpiPeriod, parisDaysOf, rollupRanges, yearBefore } from './period';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the period of a KPI', () => {
  it('covers whole UTC hours, rounded out, and only hours that are over', () => {
    const p = kpiPeriod(at('2026-11-02T08:20:00Z'), at('2026-11-09T17:05:00Z'), at('2026-12-01T00:00:00Z'))!;
    expect([iso(p.fromMs), iso(p.toMs)]).toEqual(['2026-11-02T08:00:00.000Z', '2026-11-09T18:00:00.000Z']);
    // Asked up to the future, it stops at the last complete hour; nothing complete yet: none.
    expect(iso(kpiPeriod(at('2026-11-30T00:00:00Z'), at('2027-01-01T00:00:00Z'), at('2026-12-01T10:42:00Z'))!.toMs)).toBe('2026-12-01T10:00:00.000Z');
    expect(kpiPeriod(at('2026-12-01T10:10:00Z'), at('2026-12-01T12:00:00Z'), at('2026-12-01T10:42:00Z'))).toBeNull();
  });

  it('reads whole UTC days from the daily rollup and the hours around them from the hourly one', () => {
    const { hours, days } = rollupRanges({ fromMs: at('2026-11-02T08:00:00Z'), toMs: at('2026-11-09T18:00:00Z') });
    expect(hours.map(([f, t]) => [iso(f), iso(t)])).toEqual([
      ['2026-11-02T08:00:00.000Z', '2026-11-03T00:00:00.000Z'],
      ['2026-11-09T00:00:00.000Z', '2026-11-09T18:00:00.000Z'],
    ]);
    expect(days!.map(iso)).toEqual(['2026-11-03T00:00:00.000Z', '2026-11-09T00:00:00.000Z']);
    // Aligned on days: no hours; shorter than a day: hours only.
    expect(rollupRanges({ fromMs: at('2026-11-02T00:00:00Z'), toMs: at('2026-11-04T00:00:00Z') }).hours).toEqual([]);
    expect(rollupRanges({ fromMs: at('2026-11-02T05:00:00Z'), toMs: at('2026-11-03T04:00:00Z') }).days).toBeNull();
  });

  it('touches the Paris days of its hours, across the autumn change', () => {
    const days = parisDaysOf({ fromMs: at('2026-10-24T21:00:00Z'), toMs: at('2026-10-26T00:00:00Z') });
    expect(days.days).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    expect([iso(days.fromMs), iso(days.toMs)]).toEqual(['2026-10-23T22:00:00.000Z', '2026-10-26T23:00:00.000Z']);
  });

  it('defaults the heating reference to the same dates a year earlier', () => {
    const ref = yearBefore({ fromMs: at('2026-01-05T06:00:00Z'), toMs: at('2026-02-05T06:00:00Z') });
    expect([iso(ref.fromMs), iso(ref.toMs)]).toEqual(['2025-01-05T06:00:00.000Z', '2025-02-05T06:00:00.000Z']);
  });
});
