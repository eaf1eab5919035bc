import { DAY_MS, overlapMs } from '../period';

/** Base of the heating degree-days (DJU), °C: the French convention (DOMAIN.md). */
export const DJU_BASE_C = 18;

/** One UTC day's outdoor extremes, °C, at its start (epoch ms). */
export interface DayExtremes {
  dayMs: number;
  minC: number;
  maxC: number;
}

/** A day's heating degree-days: max(0, 18 − (Tmin + Tmax) / 2) (the "méthode météo"). */
export const degreeDays = (minC: number, maxC: number): number => Math.max(0, DJU_BASE_C - (minC + maxC) / 2);

/**
 * The degree-days of [fromMs, toMs): each day's, times the share of that day inside the
 * period (a period cut at 06:00 takes three quarters of its first day). A day without
 * outdoor readings adds nothing: `days` says how many were found.
 */
export function degreeDaysOver(days: readonly DayExtremes[], fromMs: number, toMs: number): { dju: number; days: number } {
  let dju = 0;
  let found = 0;
  for (const d of days) {
    const share = overlapMs(d.dayMs, d.dayMs + DAY_MS, fromMs, toMs) / DAY_MS;
    if (share <= 0) continue;
    found++;
    dju += degreeDays(d.minC, d.maxC) * share;
  }
  return { dju, days: found };
}
