/**
 * Raise and clear with minimum durations, so that nothing flaps: a detector gives a
 * verdict per reading, with its own hysteresis ('bad' beyond the raise threshold, 'good'
 * inside the clear threshold, 'hold' in between); the condition is raised once the
 * verdicts have stayed 'bad' for `raiseAfterMs` and cleared once they have stayed 'good'
 * for `clearAfterMs`. Times are the devices' timestamps, so a replay decides the same.
 */

export type Verdict = 'bad' | 'good' | 'hold';

export interface Debounce {
  raiseAfterMs: number;
  clearAfterMs: number;
}

/** A condition's state: serialisable (it is persisted so that a restart resumes it). */
export interface ConditionState {
  active: boolean;
  /** Since when the verdicts have pointed the other way (raise or clear pending). */
  pendingSince?: number;
  /** When it was raised (while active). */
  raisedAt?: number;
  /** The reading's value when raised or last seen bad (for the alarm's details). */
  value?: number;
}

export type Change = { kind: 'raise'; at: number; since: number; value?: number } | { kind: 'clear'; at: number; since: number };

export const initialCondition = (): ConditionState => ({ active: false });

/**
 * Feeds one verdict at `ts` into the condition (mutated in place); returns the change it
 * causes, if any. A raise is stamped with the first bad reading of the run (`since`), a
 * clear with the first good one: the alarm's times are when it began and ended, not
 * when the debounce decided. Readings older than the pending run are ignored.
 */
export function debounce(state: ConditionState, verdict: Verdict, ts: number, rule: Debounce, value?: number): Change | null {
  if (verdict === 'hold') return null;
  const wantsActive = verdict === 'bad';
  if (wantsActive) state.value = value ?? state.value;
  if (wantsActive === state.active) {
    delete state.pendingSince;
    return null;
  }
  if (state.pendingSince === undefined || ts < state.pendingSince) state.pendingSince = ts;
  const since = state.pendingSince;
  if (ts - since < (wantsActive ? rule.raiseAfterMs : rule.clearAfterMs)) return null;
  delete state.pendingSince;
  state.active = wantsActive;
  if (wantsActive) {
    state.raisedAt = since;
    return { kind: 'raise', at: ts, since, ...(state.value !== undefined ? { value: state.value } : {}) };
  }
  delete state.raisedAt;
  delete state.value;
  return { kind: 'clear', at: ts, since };
}
