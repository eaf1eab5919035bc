import { describe, expect, it } from 'vitest';
import { degreeDays, degreeDaysOver } from './degree-days';

const day = (iso: string, minC: number, maxC: number) => ({ dayMs: Date.parse(`${iso}T00:00:00Z`), minC, maxC });

describe('heating degree-days (base 18)', () => {
  it('are 18 minus the mean of the day\'s extremes, never negative', () => {
    expect(degreeDays(-2, 6)).toBe(16);
    expect(degreeDays(12, 20)).toBe(2);
    expect(degreeDays(15, 28)).toBe(0);
  });

  it('sum over a period, a day cut by the period counting for its share', () => {
    const days = [day('2026-01-12', -2, 6), day('2026-01-13', 0, 8), day('2026-01-14', 4, 10)];
    expect(degreeDaysOver(days, Date.parse('2026-01-12T00:00:00Z'), Date.parse('2026-01-15T00:00:00Z'))).toEqual({ dju: 16 + 14 + 11, days: 3 });
    // From 06:00 on the 12th to noon on the 14th: ¾ + 1 + ½.
    expect(degreeDaysOver(days, Date.parse('2026-01-12T06:00:00Z'), Date.parse('2026-01-14T12:00:00Z')).dju).toBeCloseTo(16 * 0.75 + 14 + 11 * 0.5, 9);
  });
});
