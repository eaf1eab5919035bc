import { describe, expect, it } from 'vitest';
import { isDark, sunTimes } from './sun';

const LAON = { lat: 49.564, lon: 3.62 };
const MIN_MS = 60_000;

describe('astronomical clock', () => {
  it.each([
    ['2025-06-21', '03:38', '19:56'],
    ['2025-12-21', '07:39', '15:48'],
  ])('gives Laon sunrise and sunset on %s within 2 min of the reference (DOMAIN.md)', (day, rise, set) => {
    const t = sunTimes(Date.parse(`${day}T00:00:00Z`), LAON.lat, LAON.lon);
    expect(Math.abs(t.sunriseMs! - Date.parse(`${day}T${rise}:00Z`))).toBeLessThanOrEqual(2 * MIN_MS);
    expect(Math.abs(t.sunsetMs! - Date.parse(`${day}T${set}:00Z`))).toBeLessThanOrEqual(2 * MIN_MS);
  });

  it('is dark at midnight and light at noon in Laon', () => {
    expect(isDark(Date.parse('2025-12-21T23:00:00Z'), LAON.lat, LAON.lon)).toBe(true);
    expect(isDark(Date.parse('2025-12-21T11:30:00Z'), LAON.lat, LAON.lon)).toBe(false);
  });
});
