import { describe, expect, it } from 'vitest';
import { activeOverride, levelAt, nextChange, preview, resolveNight, type Override } from './evaluate';
import type { Place } from './place';
import { parseProgram, ProgramError, type LightingProgramInput } from './program.schema';
import { noaa } from '../testing/noaa';

const LAON: Place = { lat: 49.564, lon: 3.62 };
const MIN = 60_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const at = (s: string) => Date.parse(s);

const base: LightingProgramInput = { id: 'laon-default', name: 'Laon' };

describe('astronomical on/off', () => {
  it.each([
    // DOMAIN.md references for Laon, UTC
    ['2025-06-21', '2025-06-21T19:56', '2025-06-22T03:38'],
    ['2025-12-21', '2025-12-21T15:48', '2025-12-22T07:39'],
  ])('lights Laon on the night of %s within 2 min of the DOMAIN.md references', (date, on, off) => {
    const night = resolveNight(parseProgram(base), date, LAON);
    // The references are for the 21st; sunrise moves < 1 min a day at the solstices.
    expect(Math.abs(night.on - at(`${on}:00Z`))).toBeLessThanOrEqual(2 * MIN);
    expect(Math.abs(night.off - at(`${off}:00Z`))).toBeLessThanOrEqual(2 * MIN);
  });

  const dates = Array.from({ length: 24 }, (_, i) => `2026-${String(Math.floor(i / 2) + 1).padStart(2, '0')}-${i % 2 ? '15' : '01'}`);
  it.each([...dates, '2026-03-28', '2026-03-29', '2026-10-24', '2026-10-25'])('switches on at sunset and off at sunrise within 2 min of NOAA, night of %s', (date) => {
    const night = resolveNight(parseProgram(base), date, LAON);
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
    expect(Math.abs(night.on - noaa(date, LAON).sunset), iso(night.on)).toBeLessThanOrEqual(2 * MIN);
    expect(Math.abs(night.off - noaa(next, LAON).sunrise), iso(night.off)).toBeLessThanOrEqual(2 * MIN);
    const inputs = { place: LAON };
    expect(levelAt(parseProgram(base), night.on - MIN, inputs)).toEqual({ levelPct: 0, source: 'day' });
    expect(levelAt(parseProgram(base), night.on + MIN, inputs)).toEqual({ levelPct: 100, source: 'program' });
    expect(levelAt(parseProgram(base), night.off - MIN, inputs).levelPct).toBe(100);
    expect(levelAt(parseProgram(base), night.off + MIN, inputs).levelPct).toBe(0);
  });

  it('applies the offsets: on 15 min after sunset, off 10 min before sunrise', () => {
    const plain = resolveNight(parseProgram(base), '2026-01-15', LAON);
    const offset = resolveNight(parseProgram({ ...base, sunset_offset_min: 15, sunrise_offset_min: -10 }), '2026-01-15', LAON);
    expect(offset.on - plain.on).toBe(15 * MIN);
    expect(offset.off - plain.off).toBe(-10 * MIN);
  });
});

describe('night plans', () => {
  const dim = parseProgram({ ...base, steps: [{ at: '22:00', level_pct: 50 }, { at: '06:00', level_pct: 100 }] });
  const extinction = parseProgram({ ...base, extinction: { from: '23:00', to: '05:00' } });

  it('dims from 22:00 to 06:00 Paris time, in winter and in summer', () => {
    const winter = preview(dim, at('2026-01-15T12:00:00Z'), at('2026-01-16T12:00:00Z'), { place: LAON });
    expect(winter.map((t) => [iso(t.at), t.levelPct, t.source])).toEqual([
      ['2026-01-15T12:00', 0, 'day'],
      [iso(resolveNight(dim, '2026-01-15', LAON).on), 100, 'program'],
      ['2026-01-15T21:00', 50, 'step'],
      ['2026-01-16T05:00', 100, 'step'],
      [iso(resolveNight(dim, '2026-01-15', LAON).off), 0, 'day'],
    ]);
    // In June the sun rises before 06:00 CEST: the night ends dimmed.
    const summer = preview(dim, at('2026-06-20T12:00:00Z'), at('2026-06-21T12:00:00Z'), { place: LAON });
    expect(summer.map((t) => t.levelPct)).toEqual([0, 100, 50, 0]);
    expect(iso(summer[2]!.at)).toBe('2026-06-20T20:00');
  });

  it('switches off 23:00–05:00 and back on until sunrise in winter', () => {
    const night = preview(extinction, at('2026-01-15T12:00:00Z'), at('2026-01-16T12:00:00Z'), { place: LAON });
    expect(night.map((t) => [iso(t.at), t.levelPct, t.source])).toEqual([
      ['2026-01-15T12:00', 0, 'day'],
      [iso(resolveNight(extinction, '2026-01-15', LAON).on), 100, 'program'],
      ['2026-01-15T22:00', 0, 'extinction'],
      ['2026-01-16T04:00', 100, 'program'],
      [iso(resolveNight(extinction, '2026-01-15', LAON).off), 0, 'day'],
    ]);
  });

  it('keeps Paris wall-clock times on both DST nights', () => {
    const spring = preview(dim, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), { place: LAON });
    expect(spring.filter((t) => t.source === 'step').map((t) => iso(t.at))).toEqual(['2026-03-28T21:00', '2026-03-29T04:00']); // 22:00 CET, 06:00 CEST
    const autumn = preview(dim, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), { place: LAON });
    expect(autumn.filter((t) => t.source === 'step').map((t) => iso(t.at))).toEqual(['2026-10-24T20:00', '2026-10-25T05:00']); // 22:00 CEST, 06:00 CET
    // An extinction from 02:30 on the spring night starts when the clocks jump (02:00 CET → 03:00 CEST).
    const late = parseProgram({ ...base, extinction: { from: '02:30', to: '05:00' } });
    const gap = preview(late, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), { place: LAON });
    expect(gap.filter((t) => t.source === 'extinction').map((t) => iso(t.at))).toEqual(['2026-03-29T01:00']);
    // On the autumn night 02:30 comes twice: the extinction starts at the first.
    const twice = preview(late, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'), { place: LAON });
    expect(twice.filter((t) => t.source === 'extinction').map((t) => iso(t.at))).toEqual(['2026-10-25T00:30']);
  });

  it('replaces the night plan on exception nights: Christmas Eve lit all night, Friday and Saturday nights later, a festival week', () => {
    const program = parseProgram({
      ...base,
      extinction: { from: '23:00', to: '05:00' },
      exceptions: [
        { name: 'Réveillon', dates: ['2026-12-24', '2026-12-31'], extinction: null },
        { name: 'Fête de la Saint-Jean', from: '2026-06-20', to: '2026-06-27', extinction: { from: '01:00', to: '05:00' } },
        { name: 'Week-end', weekdays: [5, 6], extinction: { from: '00:30', to: '05:00' } },
      ],
    });
    const night = (date: string) => resolveNight(program, date, LAON);
    expect(night('2026-12-24')).toMatchObject({ exception: 'Réveillon', extinction: null });
    expect(night('2026-12-23').exception).toBeUndefined();
    expect(iso(night('2026-12-23').extinction!.from)).toBe('2026-12-23T22:00');
    expect(iso(night('2026-12-25').extinction!.from)).toBe('2026-12-25T23:30'); // a Friday
    expect(iso(night('2026-06-26').extinction!.from)).toBe('2026-06-26T23:00'); // a Friday in the festival: the first match wins
    expect(night('2026-06-28').exception).toBeUndefined();
    const xmas = preview(program, at('2026-12-24T12:00:00Z'), at('2026-12-25T12:00:00Z'), { place: LAON });
    expect(xmas.map((t) => t.levelPct)).toEqual([0, 100, 0]);
    expect(levelAt(program, at('2026-12-25T01:00:00Z'), { place: LAON })).toEqual({ levelPct: 100, source: 'program', exception: 'Réveillon' });
  });
});

describe('overrides', () => {
  const program = parseProgram({ ...base, steps: [{ at: '22:00', level_pct: 50 }] });
  const inputs = (overrides: Override[]) => ({ place: LAON, overrides });

  it('holds the override until it expires, then the program resumes', () => {
    const o: Override = { id: 'o1', levelPct: 30, issuedAt: at('2026-01-15T18:00:00Z'), until: at('2026-01-15T20:00:00Z') };
    expect(levelAt(program, at('2026-01-15T19:00:00Z'), inputs([o]))).toEqual({ levelPct: 30, source: 'override', override: 'o1' });
    expect(levelAt(program, at('2026-01-15T20:00:00Z'), inputs([o]))).toEqual({ levelPct: 100, source: 'program' });
    const p = preview(program, at('2026-01-15T17:00:00Z'), at('2026-01-15T23:00:00Z'), inputs([o]));
    expect(p.map((t) => [iso(t.at), t.levelPct, t.source])).toEqual([
      ['2026-01-15T17:00', 100, 'program'],
      ['2026-01-15T18:00', 30, 'override'],
      ['2026-01-15T20:00', 100, 'program'],
      ['2026-01-15T21:00', 50, 'step'],
    ]);
  });

  it('lets the most recent override win, and the older one show again if it outlives it', () => {
    const older: Override = { id: 'a', levelPct: 0, issuedAt: 1_000, until: 10_000 };
    const newer: Override = { id: 'b', levelPct: 80, issuedAt: 2_000, until: 5_000 };
    expect(activeOverride([newer, older], 3_000)?.id).toBe('b');
    expect(activeOverride([newer, older], 6_000)?.id).toBe('a');
    expect(activeOverride([newer, older], 10_000)).toBeUndefined();
    // A scheduled override (from later) is not in force before it starts.
    expect(activeOverride([{ id: 'c', levelPct: 10, issuedAt: 0, from: 4_000, until: 9_000 }], 3_000)).toBeUndefined();
  });

  it('applies an override in daylight too (a maintenance test)', () => {
    const o: Override = { id: 'test', levelPct: 100, issuedAt: at('2026-01-15T10:00:00Z'), until: at('2026-01-15T10:15:00Z') };
    expect(levelAt(program, at('2026-01-15T10:05:00Z'), inputs([o])).levelPct).toBe(100);
  });
});

describe('presence boost', () => {
  const program = parseProgram({ ...base, steps: [{ at: '22:00', level_pct: 30 }], extinction: { from: '01:00', to: '05:00' }, presence: { level_pct: 100, hold_s: 120 } });
  const t = at('2026-01-15T22:30:00Z'); // 23:30 in Paris: dimmed to 30 %

  it('raises the level for its hold time after a detection, then drops back', () => {
    expect(levelAt(program, t, { place: LAON }).levelPct).toBe(30);
    expect(levelAt(program, t, { place: LAON, lastPresenceMs: t - 60_000 })).toEqual({ levelPct: 100, source: 'presence' });
    expect(levelAt(program, t, { place: LAON, lastPresenceMs: t - 120_000 }).levelPct).toBe(30);
  });

  it('does not light the extinction window unless the program says so', () => {
    const night = at('2026-01-16T02:00:00Z'); // 03:00 in Paris
    expect(levelAt(program, night, { place: LAON, lastPresenceMs: night - 10_000 })).toEqual({ levelPct: 0, source: 'extinction' });
    const lit = parseProgram({ ...base, extinction: { from: '01:00', to: '05:00' }, presence: { level_pct: 60, hold_s: 120, during_extinction: true } });
    expect(levelAt(lit, night, { place: LAON, lastPresenceMs: night - 10_000 })).toEqual({ levelPct: 60, source: 'presence' });
  });
});

describe('polar day and night (the schema takes any latitude)', () => {
  const TROMSO: Place = { lat: 70, lon: 19 };
  const program = parseProgram({ ...base, steps: [{ at: '23:00', level_pct: 40 }] });

  it('a polar day is an answer: the luminaire stays off all week, where the preview used to throw', () => {
    const changes = preview(program, at('2026-06-15T00:00:00Z'), at('2026-06-22T00:00:00Z'), { place: TROMSO });
    expect(changes).toEqual([{ at: at('2026-06-15T00:00:00Z'), levelPct: 0, source: 'day' }]);
  });

  it('a polar night keeps it lit around the clock, its dimming steps still applied each night', () => {
    const changes = preview(program, at('2026-12-15T00:00:00Z'), at('2026-12-18T00:00:00Z'), { place: TROMSO });
    expect(changes.every((c) => c.source !== 'day')).toBe(true);
    expect(changes.map((c) => c.levelPct)).toEqual([40, 100, 40, 100, 40, 100, 40]);
    expect(levelAt(program, at('2026-12-16T11:00:00Z'), { place: TROMSO }).levelPct).toBe(100);
  });

  it('the nights on the edge of the polar day end at sunrise or begin at sunset as anywhere else', () => {
    // 70° N: the midnight sun runs from about 19 May to 25 July.
    const spring = resolveNight(program, '2026-05-10', TROMSO);
    expect(spring.off - spring.on).toBeGreaterThan(0);
    expect(spring.off - spring.on).toBeLessThan(4 * HOUR);
  });
});

describe('nextChange()', () => {
  it('gives the next instant the level changes', () => {
    const program = parseProgram({ ...base, steps: [{ at: '22:00', level_pct: 50 }] });
    const change = nextChange(program, at('2026-01-15T18:00:00Z'), { place: LAON });
    expect(change).toMatchObject({ levelPct: 50, source: 'step' });
    expect(iso(change!.at)).toBe('2026-01-15T21:00');
  });
});

describe('program validation', () => {
  it('names every bad field', () => {
    try {
      parseProgram({
        id: 'Bad Id',
        name: 'x',
        steps: [{ at: '05:00', level_pct: 100 }, { at: '22:00', level_pct: 50 }],
        extinction: { from: '05:00', to: '23:00' },
        exceptions: [{ name: 'nothing' }, { name: 'half', from: '2026-06-20', extinction: null }, { name: 'bad date', dates: ['2026-02-30'] }],
        presence: { level_pct: 120, hold_s: 5 },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProgramError);
      const text = (error as Error).message;
      for (const field of ['id:', 'steps[1].at:', 'extinction.to:', 'exceptions[0]: an exception needs', 'exceptions[1].to: from and to go together', 'exceptions[2].dates[0]:', 'presence.level_pct:', 'presence.hold_s:']) {
        expect(text).toContain(field);
      }
    }
  });
});
