import { addDays, minuteOfDay, mondayOf, parisDate, parisInstant, type CivilDate } from '@hv/civil-time';

export const DIGEST_PERIODS = ['daily', 'weekly'] as const;
export type DigestPeriod = (typeof DIGEST_PERIODS)[number];

/** One digest's period and when it leaves (epoch ms; [fromMs, toMs) on Paris civil time). */
export interface DigestWindow {
  period: DigestPeriod;
  /** The Paris day the period begins on (a Monday for weekly digests): the idempotency key's date. */
  start: CivilDate;
  fromMs: number;
  toMs: number;
  /** When it is due: `sendAt` on the Paris day after the period (the Monday that ends the week). */
  sendAtMs: number;
  /** The period before, for the trend. */
  previous: { fromMs: number; toMs: number };
}

/**
 * The latest digest of `period` that is due at `nowMs`, when digests leave at `sendAt`
 * (Paris HH:MM): yesterday's (daily) or last week's, Monday to Monday (weekly, sent on
 * Monday). Paris midnights, so a period is 23 or 25 hours long on the DST days.
 */
export function latestDue(period: DigestPeriod, nowMs: number, sendAt: string): DigestWindow {
  const minute = minuteOfDay(sendAt);
  const length = period === 'daily' ? 1 : 7;
  const today = parisDate(nowMs);
  // The last sending day on or before today: any day (daily), the last Monday (weekly).
  let sendDay = period === 'daily' ? today : mondayOf(today);
  if (nowMs < parisInstant(sendDay, minute)) sendDay = addDays(sendDay, -length);
  const start = addDays(sendDay, -length);
  const before = addDays(start, -length);
  return {
    period,
    start,
    fromMs: parisInstant(start, 0),
    toMs: parisInstant(sendDay, 0),
    sendAtMs: parisInstant(sendDay, minute),
    previous: { fromMs: parisInstant(before, 0), toMs: parisInstant(start, 0) },
  };
}

/** The idempotency key of a subscription's digest: one per subscription, period and start day, whoever computes it. */
export const digestKey = (subscription: number, w: Pick<DigestWindow, 'period' | 'start'>) => `hv-${subscription}-digest-${w.period}-${w.start}`;
