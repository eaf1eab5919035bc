import { describe, expect, it } from 'vitest';
import { isDark, sunTimes } from './sun';
import { parisOffsetMs, parisTime } from './time';

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

describe('Paris civil time', () => {
  it('switches to summer time on the last Sunday of March at 01:00 UTC', () => {
    expect(parisOffsetMs(Date.parse('2025-03-30T00:59:59Z'))).toBe(3_600_000);
    expect(parisOffsetMs(Date.parse('2025-03-30T01:00:00Z'))).toBe(7_200_000);
  });

  it('switches back on the last Sunday of October at 01:00 UTC', () => {
    expect(parisOffsetMs(Date.parse('2025-10-26T00:59:59Z'))).toBe(7_200_000);
    expect(parisOffsetMs(Date.parse('2025-10-26T01:00:00Z'))).toBe(3_600_000);
  });

  it('gives the local hour, weekday and day of the year', () => {
    const t = parisTime(Date.parse('2025-07-14T20:30:00Z')); // Monday 22:30 in Paris
    expect(t.hour).toBeCloseTo(22.5, 6);
    expect(t.weekday).toBe(1);
    expect(t.dayOfYear).toBe(194);
    expect(t.dayStartMs).toBe(Date.parse('2025-07-13T22:00:00Z'));
  });
});
