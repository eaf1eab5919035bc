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
}

export function parisTime(tsMs: number): LocalTime {
  const local = tsMs + parisOffsetMs(tsMs);
  const d = new Date(local);
  const dayStartLocal = Math.floor(local / DAY_MS) * DAY_MS;
  return {
    hour: (local - dayStartLocal) / HOUR_MS,
    weekday: d.getUTCDay(),
    dayOfYear: Math.floor((dayStartLocal - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS),
  };
}

export const isWeekend = (t: LocalTime): boolean => t.weekday === 0 || t.weekday === 6;

/** A Paris civil date, `YYYY-MM-DD`. */
export type CivilDate = string;

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Paris civil date of an instant. */
export function parisDate(tsMs: number): CivilDate {
  return new Date(tsMs + parisOffsetMs(tsMs)).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: CivilDate, days: number): CivilDate {
  return new Date(civilMidnightUtc(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Weekday of a civil date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CivilDate): number {
  return new Date(civilMidnightUtc(date)).getUTCDay();
}

/**
 * The instant Paris clocks show `minuteOfDay` (0–1439) on `date`. On the spring-forward
 * night, a time in the skipped hour (02:00–02:59) gives the instant the clocks jump
 * (03:00 CEST, 01:00 UTC): a program step set for 02:30 happens as soon as 02:30 is
 * past. On the fall-back night, a time that occurs twice (02:00–02:59) gives its first
 * occurrence (summer time).
 */
export function parisInstant(date: CivilDate, minuteOfDay: number): number {
  if (!(minuteOfDay >= 0 && minuteOfDay < 1_440)) throw new RangeError(`minute of the day must be in 0..1439, got ${minuteOfDay}`);
  const wall = civilMidnightUtc(date) + minuteOfDay * 60_000;
  const summer = wall - 2 * HOUR_MS;
  if (parisOffsetMs(summer) === 2 * HOUR_MS) return summer; // the first occurrence when there are two
  const winter = wall - HOUR_MS;
  if (parisOffsetMs(winter) === HOUR_MS) return winter;
  // In the gap: the clocks jumped from 02:00 CET to 03:00 CEST at 01:00 UTC.
  return lastSundayOneUtc(Number(date.slice(0, 4)), 2);
}

/** The instant the Paris day containing `tsMs` began (midnight local; 23 or 25 hours before the next on DST days). */
export function parisDayStart(tsMs: number): number {
  return parisInstant(parisDate(tsMs), 0);
}

/** `HH:MM` → minutes after midnight. */
export function minuteOfDay(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`expected a time HH:MM, got "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function civilMidnightUtc(date: CivilDate): number {
  const m = CIVIL_DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
  return ms;
}
