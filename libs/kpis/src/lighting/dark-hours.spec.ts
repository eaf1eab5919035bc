import { describe, expect, it } from 'vitest';
import { isDark } from '@hv/lighting';
import { darkHours } from './dark-hours';

const LAON = { lat: 49.56, lon: 3.62 };
const at = (s: string) => Date.parse(s);

describe('hours of darkness', () => {
  it('counts a winter night in Laon from sunset (≈ 15:48 UTC) to sunrise (≈ 07:39 UTC): about 15.85 h (DOMAIN.md)', () => {
    const h = darkHours(at('2025-12-21T12:00:00Z'), at('2025-12-22T12:00:00Z'), LAON);
    expect(Math.abs(h - (15 * 60 + 51) / 60)).toBeLessThan(5 / 60);
  });

  it('counts a summer night from ≈ 19:56 to ≈ 03:38 UTC: about 7.7 h', () => {
    const h = darkHours(at('2025-06-21T12:00:00Z'), at('2025-06-22T12:00:00Z'), LAON);
    expect(Math.abs(h - (7 * 60 + 42) / 60)).toBeLessThan(5 / 60);
  });

  it('agrees, over a week cut at odd hours, with the dark minutes counted one by one', () => {
    const from = at('2026-03-25T09:17:00Z');
    const to = at('2026-04-01T02:43:00Z');
    let minutes = 0;
    for (let t = from; t < to; t += 60_000) if (isDark(t + 30_000, LAON.lat, LAON.lon)) minutes++;
    expect(darkHours(from, to, LAON) * 60).toBeCloseTo(minutes, -0.5);
  });

  it('counts a polar night as dark around the clock and a polar day as no darkness, where it used to throw', () => {
    const tromso = { lat: 70, lon: 19 };
    expect(darkHours(at('2026-12-15T00:00:00Z'), at('2026-12-18T00:00:00Z'), tromso)).toBeCloseTo(72, 6);
    expect(darkHours(at('2026-06-15T00:00:00Z'), at('2026-06-18T00:00:00Z'), tromso)).toBe(0);
  });

  it('is zero for a period in daylight and additive over consecutive periods', () => {
    expect(darkHours(at('2026-01-10T10:00:00Z'), at('2026-01-10T14:00:00Z'), LAON)).toBe(0);
    const whole = darkHours(at('2026-01-01T00:00:00Z'), at('2026-01-31T00:00:00Z'), LAON);
    const split = darkHours(at('2026-01-01T00:00:00Z'), at('2026-01-15T05:00:00Z'), LAON) + darkHours(at('2026-01-15T05:00:00Z'), at('2026-01-31T00:00:00Z'), LAON);
    expect(split).toBeCloseTo(whole, 9);
  });
});
