import { addDays, minuteOfDay, parisDate, parisInstant, parisTime, weekdayOf, type CivilDate } from '@hv/civil-time';
import { sunTimes } from '../astro/sun';
import type { Place } from './place';
import type { LightingProgram, NightPlan, ProgramException } from './program.schema';

const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

/**
 * A manual override (TALQ): a level held from `from` until `until`. Among the overrides
 * in force, the one issued last wins.
 */
export interface Override {
  id: string;
  levelPct: number;
  /** When it was issued, epoch ms: the most recent wins. */
  issuedAt: number;
  /** In force from (epoch ms; default: issuedAt) until (exclusive). */
  from?: number;
  until: number;
}

/** What decides a level. */
export type LevelSource = 'day' | 'program' | 'step' | 'extinction' | 'presence' | 'override';

export interface Level {
  levelPct: number;
  source: LevelSource;
  /** The exception that shaped this night, if one did. */
  exception?: string;
  /** The override in force, if one is. */
  override?: string;
}

export interface LevelInputs {
  place: Place;
  overrides?: readonly Override[];
  /** Last presence detection, epoch ms. */
  lastPresenceMs?: number;
}

/** One night, resolved to instants: lit from `on` to `off`, with its plan. */
export interface Night {
  /** The Paris date the night begins on. */
  date: CivilDate;
  on: number;
  off: number;
  steps: Array<{ at: number; levelPct: number }>;
  extinction: { from: number; to: number } | null;
  exception?: string;
}

/** The date (Paris) of the night that `tsMs` belongs to: nights run noon to noon. */
export function nightDateOf(tsMs: number): CivilDate {
  const date = parisDate(tsMs);
  return parisTime(tsMs).hour >= 12 ? date : addDays(date, -1);
}

/** The instant of a night-time `HH:MM` in the night that begins on `date` (before noon: the next morning). */
export function nightInstant(date: CivilDate, hhmm: string): number {
  const minute = minuteOfDay(hhmm);
  return minute >= 12 * 60 ? parisInstant(date, minute) : parisInstant(addDays(date, 1), minute);
}

/** The first exception of the program that matches the night beginning on `date`. */
export function exceptionFor(program: LightingProgram, date: CivilDate): ProgramException | undefined {
  const weekday = weekdayOf(date);
  return program.exceptions.find((e) => {
    if (e.dates && !e.dates.includes(date)) return false;
    if (e.from && e.to && (date < e.from || date > e.to)) return false;
    if (e.weekdays && !e.weekdays.includes(weekday)) return false;
    return true;
  });
}

/**
 * The night that begins on `date`, for a luminaire at `place`: sun times, offsets, plan.
 * Above the polar circles (the schema takes any latitude) a day may have no sunset or no
 * sunrise. An astronomical clock then does what the twilight switch it stands for would:
 * through a polar night the luminaire stays lit (the night runs noon to noon, so nights
 * join), through a polar day it stays off (an empty night). Steps and extinction still
 * apply inside a lit night.
 */
export function resolveNight(program: LightingProgram, date: CivilDate, place: Place): Night {
  const evening = sunTimes(Date.parse(`${date}T12:00:00Z`), place.lat, place.lon);
  const morning = sunTimes(Date.parse(`${addDays(date, 1)}T12:00:00Z`), place.lat, place.lon);
  const start = parisInstant(date, 12 * 60);
  const end = parisInstant(addDays(date, 1), 12 * 60);
  const on = evening.sunsetMs === null ? (evening.darkAfternoon ? start : end) : evening.sunsetMs + program.sunset_offset_min * MIN_MS;
  const off = morning.sunriseMs === null ? (morning.darkMorning ? end : start) : morning.sunriseMs + program.sunrise_offset_min * MIN_MS;
  const exception = exceptionFor(program, date);
  const plan: NightPlan = {
    steps: exception?.steps ?? program.steps ?? [],
    extinction: exception && exception.extinction !== undefined ? exception.extinction : (program.extinction ?? null),
  };
  return {
    date,
    on,
    off,
    steps: plan.steps.map((s) => ({ at: nightInstant(date, s.at), levelPct: s.level_pct })),
    extinction: plan.extinction ? { from: nightInstant(date, plan.extinction.from), to: nightInstant(date, plan.extinction.to) } : null,
    ...(exception ? { exception: exception.name } : {}),
  };
}

/** The override in force at `tsMs`: among those whose window holds it, the one issued last. */
export function activeOverride(overrides: readonly Override[] | undefined, tsMs: number): Override | undefined {
  let best: Override | undefined;
  for (const o of overrides ?? []) {
    if (tsMs < (o.from ?? o.issuedAt) || tsMs >= o.until) continue;
    if (!best || o.issuedAt > best.issuedAt || (o.issuedAt === best.issuedAt && o.id > best.id)) best = o;
  }
  return best;
}

/**
 * The level the program asks of a luminaire at `tsMs`, and why. Order of precedence: an
 * override; daylight (off); the extinction window (off, unless presence may light it);
 * the night's dimming steps (100 % before the first); a presence boost raises the level
 * for its hold time. This one function drives the commands and computes the preview.
 */
export function levelAt(program: LightingProgram, tsMs: number, inputs: LevelInputs, night: Night = resolveNight(program, nightDateOf(tsMs), inputs.place)): Level {
  const override = activeOverride(inputs.overrides, tsMs);
  if (override) return { levelPct: override.levelPct, source: 'override', override: override.id };
  const shaped = night.exception ? { exception: night.exception } : {};
  if (tsMs < night.on || tsMs >= night.off) return { levelPct: 0, source: 'day' };

  const presence = program.presence;
  const boosted = presence !== null && inputs.lastPresenceMs !== undefined && tsMs >= inputs.lastPresenceMs && tsMs < inputs.lastPresenceMs + presence.hold_s * 1000;
  if (night.extinction && tsMs >= night.extinction.from && tsMs < night.extinction.to) {
    if (boosted && presence!.during_extinction) return { levelPct: presence!.level_pct, source: 'presence', ...shaped };
    return { levelPct: 0, source: 'extinction', ...shaped };
  }
  let level: Level = { levelPct: 100, source: 'program', ...shaped };
  for (const step of night.steps) if (step.at <= tsMs) level = { levelPct: step.levelPct, source: 'step', ...shaped };
  if (boosted && presence!.level_pct > level.levelPct) return { levelPct: presence!.level_pct, source: 'presence', ...shaped };
  return level;
}

/** A change of level in a preview. */
export interface Transition extends Level {
  at: number;
}

/**
 * What a luminaire will do between two instants: its level at `fromMs`, then every
 * change until `toMs` (exclusive). The candidate instants (sun times with offsets, steps,
 * extinction edges, override edges) are evaluated with `levelAt`, the function that
 * drives the luminaires, so the preview cannot disagree with what is commanded.
 * Presence is unpredictable and left out.
 */
export function preview(program: LightingProgram, fromMs: number, toMs: number, inputs: Omit<LevelInputs, 'lastPresenceMs'>): Transition[] {
  if (!(toMs > fromMs)) throw new RangeError('preview: `to` must be after `from`');
  if (toMs - fromMs > 366 * 24 * HOUR_MS) throw new RangeError('preview: at most one year at a time');
  const candidates = new Set<number>([fromMs]);
  const nights = new Map<number, Night>();
  for (let date = nightDateOf(fromMs); ; date = addDays(date, 1)) {
    const night = resolveNight(program, date, inputs.place);
    if (parisInstant(date, 12 * 60) >= toMs) break;
    for (const t of [night.on, night.off, ...night.steps.map((s) => s.at), ...(night.extinction ? [night.extinction.from, night.extinction.to] : [])]) {
      if (t > fromMs && t < toMs) {
        candidates.add(t);
        nights.set(t, night);
      }
    }
  }
  for (const o of inputs.overrides ?? []) {
    for (const t of [o.from ?? o.issuedAt, o.until]) if (t > fromMs && t < toMs) candidates.add(t);
  }
  const out: Transition[] = [];
  for (const at of [...candidates].sort((a, b) => a - b)) {
    const level = levelAt(program, at, inputs, nights.get(at));
    const last = out.at(-1);
    if (!last || last.levelPct !== level.levelPct || last.source !== level.source) out.push({ at, ...level });
  }
  return out;
}

/** The next instant after `tsMs` at which the program's level changes (within `horizonMs`), or null. */
export function nextChange(program: LightingProgram, tsMs: number, inputs: Omit<LevelInputs, 'lastPresenceMs'>, horizonMs = 36 * HOUR_MS): Transition | null {
  const changes = preview(program, tsMs, tsMs + horizonMs, inputs);
  return changes.find((c) => c.at > tsMs && c.levelPct !== changes[0]!.levelPct) ?? null;
}
