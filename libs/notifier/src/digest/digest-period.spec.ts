import { describe, expect, it } from 'vitest';
import { digestKey, latestDue } from './digest-period';

const iso = (ms: number) => new Date(ms).toISOString();

describe('digest periods', () => {
  it('a daily digest covers yesterday\'s Paris day from the send time on, the day before until then', () => {
    // Friday 4 December 2026, 07:00 Paris = 06:00 UTC.
    const after = latestDue('daily', Date.parse('2026-12-04T06:00:00Z'), '07:00');
    expect(after).toMatchObject({ start: '2026-12-03', sendAtMs: Date.parse('2026-12-04T06:00:00Z') });
    expect([iso(after.fromMs), iso(after.toMs)]).toEqual(['2026-12-02T23:00:00.000Z', '2026-12-03T23:00:00.000Z']);
    expect([iso(after.previous.fromMs), iso(after.previous.toMs)]).toEqual(['2026-12-01T23:00:00.000Z', '2026-12-02T23:00:00.000Z']);
    expect(latestDue('daily', Date.parse('2026-12-04T05:59:59Z'), '07:00').start).toBe('2026-12-02');
  });

  it('a weekly digest covers Monday to Monday and leaves on Monday; before Monday\'s send time, the week before', () => {
    // Monday 7 December 2026.
    const monday = latestDue('weekly', Date.parse('2026-12-07T06:30:00Z'), '07:00');
    expect(monday).toMatchObject({ start: '2026-11-30', sendAtMs: Date.parse('2026-12-07T06:00:00Z') });
    expect(iso(monday.toMs)).toBe('2026-12-06T23:00:00.000Z');
    expect(latestDue('weekly', Date.parse('2026-12-07T05:00:00Z'), '07:00').start).toBe('2026-11-23');
    // Sunday: still last Monday's digest.
    expect(latestDue('weekly', Date.parse('2026-12-13T20:00:00Z'), '07:00').start).toBe('2026-11-30');
  });

  it('the day the clocks go back is 25 hours long, and 07:00 is on summer or winter time as Paris shows it', () => {
    // Sunday 25 October 2026: CEST → CET at 01:00 UTC.
    const d = latestDue('daily', Date.parse('2026-10-26T08:00:00Z'), '07:00');
    expect(d.start).toBe('2026-10-25');
    expect((d.toMs - d.fromMs) / 3_600_000).toBe(25);
    expect(iso(d.sendAtMs)).toBe('2026-10-26T06:00:00.000Z');
    expect(iso(latestDue('daily', Date.parse('2026-07-01T12:00:00Z'), '07:00').sendAtMs)).toBe('2026-07-01T05:00:00.000Z');
  });

  it('the key names the subscription, the period and its first day', () => {
    expect(digestKey(42, { period: 'weekly', start: '2026-11-30' })).toBe('hv-42-digest-weekly-2026-11-30');
  });
});
