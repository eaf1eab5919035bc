import { describe, expect, it } from 'vitest';
import { holdUntil, quietUntil } from './quiet-hours';

const at = (iso: string) => Date.parse(iso);

describe('quietUntil (Paris wall-clock)', () => {
  const night = { from: '22:00', to: '07:00' };

  it('holds from 22:00 to 07:00 Paris time across midnight, in winter (UTC+1)', () => {
    expect(quietUntil(at('2026-12-02T20:59:00Z'), night)).toBeNull(); // 21:59 Paris
    expect(quietUntil(at('2026-12-02T21:00:00Z'), night)).toBe(at('2026-12-03T06:00:00Z')); // 22:00 → 07:00 Paris
    expect(quietUntil(at('2026-12-03T03:00:00Z'), night)).toBe(at('2026-12-03T06:00:00Z')); // 04:00 Paris, the window of yesterday
    expect(quietUntil(at('2026-12-03T06:00:00Z'), night)).toBeNull(); // 07:00 Paris
  });

  it('follows summer time (UTC+2)', () => {
    expect(quietUntil(at('2026-07-01T20:30:00Z'), night)).toBe(at('2026-07-02T05:00:00Z'));
  });

  it('a window within one day', () => {
    const lunch = { from: '12:00', to: '14:00' };
    expect(quietUntil(at('2026-12-02T11:30:00Z'), lunch)).toBe(at('2026-12-02T13:00:00Z'));
    expect(quietUntil(at('2026-12-02T13:30:00Z'), lunch)).toBeNull();
  });

  it('the autumn change: 22:00–07:00 is still 22:00 to 07:00 on the clocks (10 hours that night)', () => {
    // 2026-10-25: clocks go back at 03:00 CEST → 02:00 CET.
    expect(quietUntil(at('2026-10-24T20:00:00Z'), night)).toBe(at('2026-10-25T06:00:00Z'));
  });
});

describe('holdUntil', () => {
  const quiet = { from: '22:00', to: '07:00' };
  const midnight = at('2026-12-02T23:00:00Z');

  it('holds a major alert until the end of the quiet hours, never a critical one', () => {
    expect(holdUntil(midnight, quiet, 'major')).toBe(at('2026-12-03T06:00:00Z'));
    expect(holdUntil(midnight, quiet, 'critical')).toBeNull();
    expect(holdUntil(midnight, null, 'minor')).toBeNull();
  });
});
