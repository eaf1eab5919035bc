import { describe, expect, it } from 'vitest';
import { debounce, initialCondition, type Verdict } from './debounce';

const MIN = 60_000;
const rule = { raiseAfterMs: 10 * MIN, clearAfterMs: 30 * MIN };

/** Feeds one verdict a minute; returns the changes with their minute. */
function feed(verdicts: string): Array<[number, string, number]> {
  const state = initialCondition();
  const out: Array<[number, string, number]> = [];
  [...verdicts].forEach((c, i) => {
    const v: Verdict = c === 'B' ? 'bad' : c === 'G' ? 'good' : 'hold';
    const change = debounce(state, v, i * MIN, rule, i);
    if (change) out.push([i, change.kind, change.since / MIN]);
  });
  return out;
}

describe('debounce()', () => {
  it('raises after the condition has held for the raise delay, stamped with its start', () => {
    expect(feed('GGBBBBBBBBBBBB')).toEqual([[12, 'raise', 2]]);
  });

  it('does not raise on a short burst, nor flap on noise around the threshold', () => {
    expect(feed('BBBBBGBBBBBGBBBBBG')).toEqual([]);
    // Between the thresholds ('h'), nothing changes either way.
    expect(feed('BBBBBBBBBBBhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh')).toEqual([[10, 'raise', 0]]);
  });

  it('clears only after the clear delay of good readings, and a bad reading restarts it', () => {
    const v = `${'B'.repeat(11)}${'G'.repeat(20)}B${'G'.repeat(31)}`;
    expect(feed(v)).toEqual([
      [10, 'raise', 0],
      [62, 'clear', 32],
    ]);
  });

  it('raises once, however long the condition lasts', () => {
    expect(feed('B'.repeat(200)).length).toBe(1);
  });
});
