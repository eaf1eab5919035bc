import { addDays, minuteOfDay, parisDate, parisInstant } from '@hv/civil-time';

/** Paris wall-clock times `HH:MM`; `from` after `to` crosses midnight (20:00 → 07:00). */
export interface QuietHours {
  from: string;
  to: string;
}

/**
 * When the quiet window holding `nowMs` ends, or null outside it. Computed on Paris civil
 * time (DST changes included: a 22:00–06:00 window is 8 wall-clock hours either way).
 */
export function quietUntil(nowMs: number, quiet: QuietHours): number | null {
  const today = parisDate(nowMs);
  const from = minuteOfDay(quiet.from);
  const to = minuteOfDay(quiet.to);
  // The window that began today, and the one that began yesterday (which may still run).
  for (const start of [today, addDays(today, -1)]) {
    const begin = parisInstant(start, from);
    const end = parisInstant(to > from ? start : addDays(start, 1), to);
    if (nowMs >= begin && nowMs < end) return end;
  }
  return null;
}

/** A delivery waits for the end of the quiet hours unless its alarm is critical. */
export function holdUntil(nowMs: number, quiet: QuietHours | null, severity: string): number | null {
  if (!quiet || severity === 'critical') return null;
  return quietUntil(nowMs, quiet);
}
