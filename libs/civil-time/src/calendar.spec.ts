import { describe, expect, it } from 'vitest';
import { mondayOf, parisDays, parisDaysSpan } from './calendar';

describe('Paris calendar', () => {
  it('lists the Paris days a range touches, by Paris midnights', () => {
    // 2026-07-13T22:00Z is midnight in Paris (summer time): the range is the 14th alone.
    expect(parisDays(Date.parse('2026-07-13T22:00:00Z'), Date.parse('2026-07-14T22:00:00Z'))).toEqual(['2026-07-14']);
    expect(parisDays(Date.parse('2026-07-13T21:59:00Z'), Date.parse('2026-07-14T22:01:00Z'))).toEqual(['2026-07-13', '2026-07-14', '2026-07-15']);
    expect(parisDays(Date.parse('2026-12-31T23:30:00Z'), Date.parse('2027-01-01T00:30:00Z'))).toEqual(['2027-01-01']);
    expect(parisDays(Date.parse('2026-10-24T21:59:00Z'), Date.parse('2026-10-25T23:30:00Z'))).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']); // across the autumn change
  });

  it('spans whole Paris days, 23 and 25 hours long on the DST days', () => {
    expect(parisDaysSpan('2026-03-29')).toEqual({ fromMs: Date.parse('2026-03-28T23:00:00Z'), toMs: Date.parse('2026-03-29T22:00:00Z') });
    expect(parisDaysSpan('2026-10-25')).toEqual({ fromMs: Date.parse('2026-10-24T22:00:00Z'), toMs: Date.parse('2026-10-25T23:00:00Z') });
    expect(parisDaysSpan('2026-12-30', '2027-01-01')).toEqual({ fromMs: Date.parse('2026-12-29T23:00:00Z'), toMs: Date.parse('2027-01-01T23:00:00Z') });
  });

  it('gives the Monday of a date’s week', () => {
    expect(mondayOf('2026-12-24')).toBe('2026-12-21'); // a Thursday
    expect(mondayOf('2026-12-21')).toBe('2026-12-21');
    expect(mondayOf('2026-12-27')).toBe('2026-12-21'); // a Sunday ends the week
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });
});
