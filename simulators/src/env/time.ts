/**
 * Civil time in Europe/Paris without Intl or the host's time zone, so that schedules
 * give the same answer on every machine. EU summer time (directive 2000/84/EC): from the
 * last Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** 01:00 UTC on the last Sunday of the month (0-based month). */
function lastSundayOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay(); // 0 = Sunday
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

/** Offset of Paris civil time from UTC at this instant, ms (3,600,000 or 7,200,000). */
export function parisOffsetMs(tsMs: number): number {
  const year = new Date(tsMs).getUTCFullYear();
  const inSummer = tsMs >= lastSundayOneUtc(year, 2) && tsMs < lastSundayOneUtc(year, 9);
  return inSummer ? 2 * HOUR_MS : HOUR_MS;
}

export interface LocalTime {
  /** Hour of the day in Paris, fractional (13.5 = 13:30). */
  hour: number;
  /** 0 = Sunday … 6 = Saturday, in Paris. */
  weekday: number;
  /** Day of the year, 0-based, in Paris. */
  dayOfYear: number;
  /** Start of this Paris day, as UTC epoch ms. */
  dayStartMs: number;
}

export function parisTime(tsMs: number): LocalTime {
  const local = tsMs + parisOffsetMs(tsMs);
  const d = new Date(local);
  const dayStartLocal = Math.floor(local / DAY_MS) * DAY_MS;
  return {
    hour: (local - dayStartLocal) / HOUR_MS,
    weekday: d.getUTCDay(),
    dayOfYear: Math.floor((dayStartLocal - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS),
    dayStartMs: dayStartLocal - parisOffsetMs(tsMs),
  };
}

export const isWeekend = (t: LocalTime): boolean => t.weekday === 0 || t.weekday === 6;
