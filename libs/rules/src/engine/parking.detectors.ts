import { addDays, isWeekend, parisDate, parisInstant, parisTime } from '@hv/civil-time';
import { attr, num, type Detection, type Detector } from './detection';

/** Paid and blue zones are enforced 09:00–19:00, Monday to Saturday (the usual municipal rule). */
const ENFORCED_FROM_MIN = 9 * 60;
const ENFORCED_TO_MIN = 19 * 60;

/** Milliseconds of [fromMs, toMs) that fall in the enforced hours. */
export function enforcedMs(fromMs: number, toMs: number): number {
  let total = 0;
  for (let date = parisDate(fromMs); parisInstant(date, 0) < toMs; date = addDays(date, 1)) {
    if (parisTime(parisInstant(date, 12 * 60)).weekday === 0) continue; // Sunday
    const start = Math.max(fromMs, parisInstant(date, ENFORCED_FROM_MIN));
    const end = Math.min(toMs, parisInstant(date, ENFORCED_TO_MIN));
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * On-street spot: an overstay when the enforced part of the current stay passes the
 * zone's limit (`max_stay_s`; 0 = no limit); a sensor that has not changed state for days.
 */
export const parkingSpotDetectors: Detector = (body, ts, ctx) => {
  if (typeof body.occupied === 'boolean' || typeof body.event === 'string') {
    const occupied = typeof body.occupied === 'boolean' ? body.occupied : body.event === 'occupied' ? true : body.event === 'free' ? false : undefined;
    if (occupied !== undefined && occupied !== ctx.memory.occupied) {
      ctx.memory.occupied = occupied;
      ctx.memory.changedAt = ts;
    }
  }
  return spotVerdicts(ts, ctx);
};

/** The spot's verdicts at `ts` (also evaluated by the clock: an overstay needs no new reading). */
export function spotVerdicts(ts: number, { device, config, memory }: Parameters<Detector>[2]): Detection[] {
  const out: Detection[] = [];
  const changedAt = memory.changedAt as number | undefined;
  if (changedAt === undefined) return out;
  const limitS = attr(device, 'max_stay_s', 0);
  if (limitS > 0) {
    const stayed = memory.occupied === true ? enforcedMs(changedAt, ts) : 0;
    out.push({ type: 'overstay', verdict: stayed > limitS * 1000 ? 'bad' : memory.occupied === true ? 'hold' : 'good', value: Math.round(stayed / 60_000) });
  }
  out.push({ type: 'sensor_stuck', verdict: ts - changedAt >= config.sensor_stuck.parking_spot_stuck_s * 1000 ? 'bad' : 'good' });
  return out;
}

/**
 * Car park: saturation on the occupancy rate; a counter that stopped counting (no car in
 * or out for `stuck_s` during weekday business hours, when cars always come and go).
 */
export const carParkDetectors: Detector = (body, ts, { config, memory }) => {
  const out: Detection[] = [];
  const occupied = num(body, 'occupied');
  const capacity = num(body, 'capacity');
  if (occupied === undefined || capacity === undefined) return out;
  const pct = (occupied / capacity) * 100;
  const s = config.saturation;
  out.push({ type: 'saturation', verdict: pct >= s.above_pct ? 'bad' : pct <= s.clear_pct ? 'good' : 'hold', value: Math.round(pct) });

  const counters = [occupied, num(body, 'entries') ?? -1, num(body, 'exits') ?? -1];
  const last = memory.counters as number[] | undefined;
  if (!last || last.some((v, i) => v !== counters[i])) {
    memory.counters = counters;
    memory.counterSince = ts;
    out.push({ type: 'sensor_stuck', verdict: 'good' });
  } else {
    const t = parisTime(ts);
    // A full car park (cars turned away) or an empty one can stand still: judge the counter in between.
    const business = !isWeekend(t) && t.hour >= 8 && t.hour < 19 && pct > 5 && occupied < capacity;
    const still = ts - ((memory.counterSince as number | undefined) ?? ts);
    out.push({ type: 'sensor_stuck', verdict: business && still >= config.sensor_stuck.stuck_s * 1000 ? 'bad' : 'hold', value: Math.round(still / 60_000) });
  }
  return out;
};
