import { describe, expect, it } from 'vitest';
import { describeInstant, judgeTimestamp, MAX_DATE_MS } from './timestamp';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const WINDOW = { maxFutureMs: 300_000, maxPastMs: 86_400_000 };

/** Generated instants of each kind, seeded: the same run every time. */
function samples(kind: 'beyond_dates' | 'far_future' | 'far_past' | 'before_epoch' | 'inside', n = 200): number[] {
  const rng = seeded(kind.length * 7919);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'beyond_dates': out.push(MAX_DATE_MS + 1 + Math.floor(rng(0, 1) * 1e18)); break;
      case 'far_future': out.push(NOW + WINDOW.maxFutureMs + 1 + Math.floor(rng(0, MAX_DATE_MS - NOW - WINDOW.maxFutureMs - 1))); break;
      case 'far_past': out.push(Math.floor(rng(0, NOW - WINDOW.maxPastMs - 1))); break;
      case 'before_epoch': out.push(-Math.floor(rng(1, 1e18))); break;
      case 'inside': out.push(NOW - WINDOW.maxPastMs + Math.floor(rng(0, WINDOW.maxPastMs + WINDOW.maxFutureMs))); break;
    }
  }
  return out;
}

/** mulberry32: a seeded uniform in [min, max). */
function seeded(seed: number): (min: number, max: number) => number {
  let a = seed >>> 0;
  return (min, max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return min + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min);
  };
}

describe('judgeTimestamp', () => {
  it.each([
    ['too large to be a date', [...samples('beyond_dates'), 9e15, Infinity, Number.MAX_VALUE], 'timestamp_future'],
    ['ahead of the window but a date', [...samples('far_future'), MAX_DATE_MS, NOW + WINDOW.maxFutureMs + 1], 'timestamp_future'],
    ['behind the window', [...samples('far_past'), 1, 0, NOW - WINDOW.maxPastMs - 1], 'timestamp_past'],
    ['before 1970, however far', [...samples('before_epoch'), -MAX_DATE_MS - 1, -Infinity, -Number.MAX_VALUE], 'timestamp_past'],
  ])('calls every ts %s %s, with a detail that names the field', (_what, values, reason) => {
    for (const ts of values) {
      const fault = judgeTimestamp(ts, NOW, WINDOW);
      expect(fault?.reason, String(ts)).toBe(reason);
      expect(fault!.detail).toMatch(/^ts /);
    }
  });

  it('lets every ts inside the window through (the schema then checks it is an integer)', () => {
    for (const ts of [...samples('inside'), NOW, NOW + WINDOW.maxFutureMs, NOW - WINDOW.maxPastMs]) expect(judgeTimestamp(ts, NOW, WINDOW)).toBeUndefined();
  });

  it('leaves what is not a number to the schema', () => {
    for (const ts of ['1766347200000', null, undefined, true, {}, [], NaN]) expect(judgeTimestamp(ts, NOW, WINDOW)).toBeUndefined();
  });

  it('describes an instant as ISO when it is a date, as the number when not, never throwing', () => {
    expect(describeInstant(NOW)).toBe('2026-11-23T10:00:00.000Z');
    for (const ms of [9e15, -9e15, Infinity, -Infinity, NaN, 1e300]) expect(describeInstant(ms)).toContain('not a representable date');
  });
});
