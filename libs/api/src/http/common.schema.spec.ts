import { describe, expect, it } from 'vitest';
import { calendarDay, instant } from './common.schema';

describe('the shared date schemas hold what the stores can (InfluxDB: 1677-09-21 … 2262-04-11)', () => {
  it.each(['0001-01-01T00:00:00Z', '1600-01-01T00:00:00Z', '1677-09-21T00:12:44Z', '2262-04-11T00:00:00Z', '2300-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])('refuses %s, naming the range', (s) => {
    const parsed = instant.safeParse(s);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/between 1680-01-01 and 2260-01-01/)]);
  });

  it.each(['1970-01-01T00:00:00Z', '1971-01-01T00:00:00+14:00', '2026-12-01T17:00:00.123Z', '2259-12-31T00:00:00Z'])('takes %s', (s) => {
    expect(instant.safeParse(s).success).toBe(true);
  });

  it('a string that is no date-time gets one message, not two', () => {
    expect(instant.safeParse('yesterday').error!.issues).toHaveLength(1);
    expect(instant.safeParse('9000000000000000').error!.issues).toHaveLength(1);
  });

  it('days: year 0001 and 2300 refused, 2026 taken', () => {
    expect(calendarDay.safeParse('0001-01-01').success).toBe(false);
    expect(calendarDay.safeParse('2300-01-01').success).toBe(false);
    expect(calendarDay.safeParse('2026-12-01').success).toBe(true);
  });
});
