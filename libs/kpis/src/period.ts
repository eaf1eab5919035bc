import { parisDays, parisDaysSpan, type CivilDate } from '@hv/civil-time';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Longest period a KPI covers, days (a leap year and a day: year-on-year comparisons). */
export const MAX_PERIOD_DAYS = 367;

/** The [fromMs, toMs) a KPI covers: whole UTC hours, the resolution of the rollups it reads. */
export interface KpiPeriod {
  fromMs: number;
  toMs: number;
}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;

/**
 * The period of a request: `from` rounded down and `to` up to whole UTC hours, and ending
 * no later than the last complete hour before `nowMs` (an hour still under way has half its
 * consumption and all of its baseline). Null when nothing of it is complete yet.
 */
export function kpiPeriod(fromMs: number, toMs: number, nowMs: number): KpiPeriod | null {
  const from = floorTo(fromMs, HOUR_MS);
  const to = Math.min(ceilTo(toMs, HOUR_MS), floorTo(nowMs, HOUR_MS));
  return to > from ? { fromMs: from, toMs: to } : null;
}

/** The same period one year earlier (same calendar dates, UTC): the default heating reference. */
export function yearBefore(p: KpiPeriod): KpiPeriod {
  const back = (ms: number) => {
    const d = new Date(ms);
    d.setUTCFullYear(d.getUTCFullYear() - 1);
    return d.getTime();
  };
  return { fromMs: back(p.fromMs), toMs: back(p.toMs) };
}

/**
 * Where a sum over the period is read: the whole UTC days from the daily rollup (`d1`),
 * the hours before the first and after the last whole day from the hourly one (`h1`).
 * Both hold the same sums (a day is the sum of its hours), so the split changes nothing but
 * the points read: 30 days of the Aisne's 797 communes are ≈ 24,000 daily points instead
 * of ≈ 574,000 hourly ones.
 */
export function rollupRanges(p: KpiPeriod): { hours: Array<[number, number]>; days: [number, number] | null } {
  const firstDay = ceilTo(p.fromMs, DAY_MS);
  const lastDay = floorTo(p.toMs, DAY_MS);
  if (firstDay >= lastDay) return { hours: [[p.fromMs, p.toMs]], days: null };
  const hours: Array<[number, number]> = [];
  if (p.fromMs < firstDay) hours.push([p.fromMs, firstDay]);
  if (lastDay < p.toMs) hours.push([lastDay, p.toMs]);
  return { hours, days: [firstDay, lastDay] };
}

/** Milliseconds of [aFrom, aTo) inside [bFrom, bTo). */
export const overlapMs = (aFrom: number, aTo: number, bFrom: number, bTo: number): number => Math.max(0, Math.min(aTo, bTo) - Math.max(aFrom, bFrom));

/** The Paris days the period touches (the ATMO index is a Paris civil day's), and their [from, to). */
export function parisDaysOf(p: KpiPeriod): { days: CivilDate[]; fromMs: number; toMs: number } {
  const days = parisDays(p.fromMs, p.toMs);
  return { days, ...parisDaysSpan(days[0]!, days.at(-1)!) };
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();
