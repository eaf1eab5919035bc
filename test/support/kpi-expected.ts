/**
 * The KPI suites' own arithmetic: what the air-quality and parking KPIs should answer,
 * computed from the raw points with methods of their own (Intl's Paris calendar, the
 * arrêté's table as DOMAIN.md gives it, minute-by-minute occupancy) rather than with the
 * production code they check.
 */
import type { Point } from '@hv/contracts';
import { fieldOf, HOUR, MIN } from './kpi-week';

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
/** The Paris civil date of an instant, `YYYY-MM-DD`. */
export const parisDateOf = (ms: number): string => parisDay.format(new Date(ms));

/** DOMAIN.md's ATMO table: upper bounds of classes 1–5, µg/m³. */
const BOUNDS: Record<string, number[]> = {
  pm25: [10, 20, 25, 50, 75],
  pm10: [20, 40, 50, 100, 150],
  no2: [40, 90, 120, 230, 340],
  o3: [50, 100, 130, 240, 380],
  so2: [100, 200, 350, 500, 750],
};
const subIndex = (pollutant: string, v: number) => {
  const i = BOUNDS[pollutant]!.findIndex((b) => v <= b);
  return i < 0 ? 6 : i + 1;
};

/**
 * Each station's index per Paris day (null: "indisponible"): hourly means of each
 * pollutant; a pollutant the station measured that day needs 18 hours of them; PM on the
 * mean of the hours, the gases on their highest hour; the index is the worst sub-index.
 */
export function stationIndices(points: readonly Point[]): Map<string, Map<string, number | null>> {
  const hours = new Map<string, Map<number, Record<string, number[]>>>();
  for (const p of points) {
    if (p.measurement !== 'air_station') continue;
    const byHour = hours.get(p.tags.device!) ?? hours.set(p.tags.device!, new Map()).get(p.tags.device!)!;
    const hour = Math.floor(p.timestampMs / HOUR) * HOUR;
    const values = byHour.get(hour) ?? byHour.set(hour, {}).get(hour)!;
    for (const pollutant of Object.keys(BOUNDS)) {
      const v = fieldOf(p, `${pollutant}_ugm3`);
      if (typeof v === 'number') (values[pollutant] ??= []).push(v);
    }
  }
  const out = new Map<string, Map<string, number | null>>();
  for (const [device, byHour] of hours) {
    const days = new Map<string, Record<string, number[]>>();
    for (const [hour, values] of byHour) {
      const day = days.get(parisDateOf(hour)) ?? days.set(parisDateOf(hour), {}).get(parisDateOf(hour))!;
      for (const [pollutant, vs] of Object.entries(values)) (day[pollutant] ??= []).push(vs.reduce((a, b) => a + b, 0) / vs.length);
    }
    const indices = new Map<string, number | null>();
    for (const [date, day] of days) {
      const measured = Object.entries(day);
      const complete = measured.every(([, means]) => means.length >= 18);
      indices.set(
        date,
        complete && measured.length
          ? Math.max(...measured.map(([pollutant, means]) => subIndex(pollutant, pollutant.startsWith('pm') ? means.reduce((a, b) => a + b, 0) / means.length : Math.max(...means))))
          : null,
      );
    }
    out.set(device, indices);
  }
  return out;
}

/** What a set of on-street spots did over [from, to): spot-minutes occupied and observed, arrivals. */
export interface StreetExpected {
  occupiedH: number;
  observedH: number;
  arrivals: number;
  /** Hours of the period whose occupancy (over the spots observed) reached `abovePct`. */
  saturatedH: number;
}

/**
 * Spots, minute by minute: a spot is in the state of its latest sample (a reading's
 * `occupied`, an `occupied`/`free` event) for at most 3 hours; an arrival is a sample that
 * finds occupied a spot whose previous sample, less than 3 hours before, found it free.
 * Every sample of the simulated week falls on a whole minute, so the count is exact.
 */
export function streetParking(points: readonly Point[], from: number, to: number, abovePct = 90): StreetExpected {
  const samples = new Map<string, Array<{ t: number; occupied: boolean }>>();
  for (const p of points) {
    let occupied: boolean | undefined;
    if (p.measurement === 'parking_spot') occupied = fieldOf(p, 'occupied') as boolean;
    else if (p.measurement === 'device_event' && p.tags.type === 'parking-spot' && (p.tags.event === 'occupied' || p.tags.event === 'free')) occupied = p.tags.event === 'occupied';
    if (occupied === undefined) continue;
    (samples.get(p.tags.device!) ?? samples.set(p.tags.device!, []).get(p.tags.device!)!).push({ t: p.timestampMs, occupied });
  }
  const perHour = new Map<number, { occupied: number; observed: number }>();
  let arrivals = 0;
  for (const list of samples.values()) {
    list.sort((a, b) => a.t - b.t);
    list.forEach((s, i) => {
      const prev = list[i - 1];
      if (s.occupied && prev && !prev.occupied && s.t - prev.t <= 3 * HOUR && s.t >= from && s.t < to) arrivals++;
    });
    let i = -1;
    for (let m = from; m < to; m += MIN) {
      while (i + 1 < list.length && list[i + 1]!.t <= m) i++;
      const s = list[i];
      if (!s || m - s.t >= 3 * HOUR) continue;
      const h = perHour.get(Math.floor(m / HOUR)) ?? perHour.set(Math.floor(m / HOUR), { occupied: 0, observed: 0 }).get(Math.floor(m / HOUR))!;
      h.observed++;
      if (s.occupied) h.occupied++;
    }
  }
  const hours = [...perHour.values()];
  return {
    occupiedH: hours.reduce((s, h) => s + h.occupied, 0) / 60,
    observedH: hours.reduce((s, h) => s + h.observed, 0) / 60,
    arrivals,
    saturatedH: hours.filter((h) => h.observed > 0 && (h.occupied / h.observed) * 100 >= abovePct).length,
  };
}

/**
 * Car parks over [from, to): each car park's mean occupied spaces and capacity per hour,
 * added up per hour over the car parks; entries as the counters' advance.
 */
export function carParks(points: readonly Point[], from: number, to: number, abovePct = 90): StreetExpected & { capacityH: number; entries: number } {
  const hours = new Map<number, Map<string, { occupied: number[]; capacity: number }>>();
  const entries = new Map<string, { before: number; end: number }>();
  for (const p of points) {
    if (p.measurement !== 'car_park') continue;
    const e = entries.get(p.tags.device!) ?? entries.set(p.tags.device!, { before: Number.NaN, end: Number.NaN }).get(p.tags.device!)!;
    if (p.timestampMs < from) e.before = fieldOf(p, 'entries') as number;
    if (p.timestampMs < to) e.end = fieldOf(p, 'entries') as number;
    if (p.timestampMs < from || p.timestampMs >= to) continue;
    const hour = Math.floor(p.timestampMs / HOUR);
    const parks = hours.get(hour) ?? hours.set(hour, new Map()).get(hour)!;
    const park = parks.get(p.tags.device!) ?? parks.set(p.tags.device!, { occupied: [], capacity: 0 }).get(p.tags.device!)!;
    park.occupied.push(fieldOf(p, 'occupied') as number);
    park.capacity = Math.max(park.capacity, fieldOf(p, 'capacity') as number);
  }
  let occupiedH = 0;
  let capacityH = 0;
  let saturatedH = 0;
  for (const parks of hours.values()) {
    const occupied = [...parks.values()].reduce((s, p) => s + p.occupied.reduce((a, b) => a + b, 0) / p.occupied.length, 0);
    const capacity = [...parks.values()].reduce((s, p) => s + p.capacity, 0);
    occupiedH += occupied;
    capacityH += capacity;
    if ((occupied / capacity) * 100 >= abovePct) saturatedH++;
  }
  const entered = [...entries.values()].reduce((s, e) => s + e.end - e.before, 0);
  return { occupiedH, observedH: capacityH, capacityH, arrivals: entered, entries: entered, saturatedH };
}
