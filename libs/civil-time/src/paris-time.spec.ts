import { describe, expect, it } from 'vitest';
import { addDays, minuteOfDay, parisDate, parisDayStart, parisInstant, parisOffsetMs, parisTime, weekdayOf } from './paris-time';

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
  });
});

describe('Paris wall-clock instants', () => {
  it('maps a wall-clock time to its instant, winter and summer', () => {
    expect(new Date(parisInstant('2026-01-15', minuteOfDay('22:00'))).toISOString()).toBe('2026-01-15T21:00:00.000Z');
    expect(new Date(parisInstant('2026-07-14', minuteOfDay('22:00'))).toISOString()).toBe('2026-07-14T20:00:00.000Z');
  });

  it('sends a time skipped by the spring change to the instant the clocks jump', () => {
    expect(new Date(parisInstant('2026-03-29', minuteOfDay('02:30'))).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(parisInstant('2026-03-29', minuteOfDay('01:59'))).toISOString()).toBe('2026-03-29T00:59:00.000Z');
    expect(new Date(parisInstant('2026-03-29', minuteOfDay('03:00'))).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the first of the two 02:30 of the autumn change', () => {
    expect(new Date(parisInstant('2026-10-25', minuteOfDay('02:30'))).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(parisInstant('2026-10-25', minuteOfDay('03:00'))).toISOString()).toBe('2026-10-25T02:00:00.000Z');
  });

  it('gives civil dates, weekdays and date arithmetic', () => {
    expect(parisDate(Date.parse('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(parisDate(Date.parse('2026-07-14T21:59:00Z'))).toBe('2026-07-14');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayOf('2026-12-24')).toBe(4); // a Thursday
    expect(() => parisInstant('2026-02-30', 0)).toThrow(RangeError);
    expect(() => minuteOfDay('24:00')).toThrow(RangeError);
    // Day starts: local midnight, including on both DST days (23 h and 25 h long).
    expect(new Date(parisDayStart(Date.parse('2025-07-14T20:30:00Z'))).toISOString()).toBe('2025-07-13T22:00:00.000Z');
    expect(new Date(parisDayStart(Date.parse('2026-03-29T20:00:00Z'))).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(parisDayStart(Date.parse('2026-10-25T20:00:00Z'))).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });
});
