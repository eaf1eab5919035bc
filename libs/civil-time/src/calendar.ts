import { addDays, parisDate, parisInstant, weekdayOf, type CivilDate } from './paris-time';

/** The Paris days that [fromMs, toMs) touches, first to last (`toMs` > `fromMs`). */
export function parisDays(fromMs: number, toMs: number): CivilDate[] {
  const days: CivilDate[] = [];
  const last = parisDate(toMs - 1);
  for (let d = parisDate(fromMs); d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}

/**
 * The instants of the Paris days `first` to `last` inclusive, [midnight of `first`,
 * midnight after `last`): a day is 23 or 25 hours long on the DST days.
 */
export function parisDaysSpan(first: CivilDate, last: CivilDate = first): { fromMs: number; toMs: number } {
  return { fromMs: parisInstant(first, 0), toMs: parisInstant(addDays(last, 1), 0) };
}

/** The Monday of the (ISO, Monday-first) week `date` is in. */
export function mondayOf(date: CivilDate): CivilDate {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}
