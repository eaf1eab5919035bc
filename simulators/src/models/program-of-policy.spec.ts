import { levelAt, nightInstant, preview, ProgramError } from '@hv/lighting';
import { addDays, parisInstant, type CivilDate } from '@hv/civil-time';
import { describe, expect, it } from 'vitest';
import { aisneFleet } from '../aisne-fleet';
import { demoFleet, lightingFleet, type Fleet } from '../fleet';
import { policyOf, programLevel, programOfPolicy, type LightingPolicy } from './lighting-program';

const MIN_MS = 60_000;
const LAON = { lat: 49.5641, lon: 3.6199 };
/** isDark (sun altitude) and sunTimes (NOAA crossing, to 1 s) may put a transition a few seconds apart. */
const TRANSITION_SLACK_MS = 2 * MIN_MS;

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const key = (p: LightingPolicy) => `${p.night_mode} ${p.night_from_h}-${p.night_to_h} ${p.dim_level_pct}`;

/** What fleet.ts and aisne-fleet.ts draw (lightingDevices): dim from 22 or 23 to 6 at 50 %, off 23–5, full. */
const FLEET_POLICIES: LightingPolicy[] = [
  { night_mode: 'dim', night_from_h: 22, night_to_h: 6, dim_level_pct: 50 },
  { night_mode: 'dim', night_from_h: 23, night_to_h: 6, dim_level_pct: 50 },
  { night_mode: 'off', night_from_h: 23, night_to_h: 5, dim_level_pct: 50 },
  { night_mode: 'full', night_from_h: 22, night_to_h: 6, dim_level_pct: 50 },
  { night_mode: 'full', night_from_h: 23, night_to_h: 6, dim_level_pct: 50 },
];
/**
 * models.spec.ts's lamps switch off from 22:00; a dimming that starts before sunset in
 * June; one after midnight; one across the hour the clocks skip (29 March) or repeat (25 October).
 */
const OTHER_POLICIES: LightingPolicy[] = [
  { night_mode: 'off', night_from_h: 22, night_to_h: 5, dim_level_pct: 50 },
  { night_mode: 'dim', night_from_h: 21, night_to_h: 5, dim_level_pct: 30 },
  { night_mode: 'dim', night_from_h: 1, night_to_h: 5, dim_level_pct: 20 },
  { night_mode: 'dim', night_from_h: 2, night_to_h: 4, dim_level_pct: 30 },
];

/** Nights named by the Paris date they begin on. */
const NIGHTS: CivilDate[] = [
  '2026-06-21', // summer solstice: shortest night, sunset ≈ 21:56 CEST, sunrise ≈ 05:38 CEST (before 06:00)
  '2026-12-21', // winter solstice
  '2026-03-28', // spring forward in the small hours of 29 March (01:00 UTC): a 23-hour Paris day
  '2026-03-29',
  '2026-10-24', // fall back in the small hours of 25 October (01:00 UTC): 02:00–02:59 twice
  '2026-10-25',
  '2026-12-24', // Christmas Eve
  '2026-12-31', // the year changes at midnight
  '2026-01-15',
  '2026-03-20', // equinox
  '2026-07-14',
  '2026-09-22', // equinox
];

const policiesOf = (fleet: Fleet) => fleet.devices.filter((d) => d.domain === 'lighting').map((d) => policyOf(d.attributes));

describe('programOfPolicy()', () => {
  it('gives the program telegestion holds for each night mode', () => {
    expect(programOfPolicy(FLEET_POLICIES[0]!)).toMatchObject({
      id: 'policy-dim-22-6-50',
      sunset_offset_min: 0,
      sunrise_offset_min: 0,
      steps: [
        { at: '22:00', level_pct: 50 },
        { at: '06:00', level_pct: 100 },
      ],
      exceptions: [],
      presence: null,
    });
    const off = programOfPolicy(FLEET_POLICIES[2]!);
    expect(off).toMatchObject({ id: 'policy-off-23-5', extinction: { from: '23:00', to: '05:00' } });
    expect(off.steps).toBeUndefined();
    const full = programOfPolicy(FLEET_POLICIES[3]!);
    expect(full.id).toBe('policy-full');
    expect(full.steps).toBeUndefined();
    expect(full.extinction).toBeUndefined();
    expect(programOfPolicy(FLEET_POLICIES[1]!, 'laon-centre').id).toBe('laon-centre');
    for (const p of [...FLEET_POLICIES, ...OTHER_POLICIES]) expect(programOfPolicy(p).name.length).toBeGreaterThan(0);
  });

  it('refuses a policy no program can express, naming why', () => {
    expect(() => programOfPolicy({ night_mode: 'dim', night_from_h: 22.5, night_to_h: 6, dim_level_pct: 50 })).toThrow(/night_from_h must be a whole hour/);
    expect(() => programOfPolicy({ night_mode: 'off', night_from_h: 23, night_to_h: 24, dim_level_pct: 50 })).toThrow(RangeError);
    expect(() => programOfPolicy({ night_mode: 'off', night_from_h: 23, night_to_h: 23, dim_level_pct: 50 })).toThrow(ProgramError);
    expect(() => programOfPolicy({ night_mode: 'dim', night_from_h: 22, night_to_h: 6, dim_level_pct: 120 })).toThrow(ProgramError);
  });

  it('covers every policy the simulated fleets draw', () => {
    const drawn = new Set([
      ...policiesOf(aisneFleet({ seed: 'laon-demo', scale: 0.01 })),
      ...policiesOf(aisneFleet({ seed: 'aisne', scale: 0.01 })),
      ...policiesOf(demoFleet()),
      ...['02408', '02691', '02722', '02168', '02173', '02810', '02381'].flatMap((tenant) => policiesOf(lightingFleet({ seed: 'policies', tenant, controllers: 1 }))),
    ].map(key));
    expect([...drawn].sort()).toEqual(FLEET_POLICIES.map(key).sort());
    // The simulator's default when a device carries no policy.
    expect(key(policyOf({}))).toBe(key(FLEET_POLICIES[0]!));
  });
});

describe.each([...FLEET_POLICIES, ...OTHER_POLICIES].map((p) => [key(p), p] as const))('policy %s in Laon', (_, policy) => {
  const program = programOfPolicy(policy);

  it.each(NIGHTS)('night of %s: levelAt(programOfPolicy) = programLevel minute by minute, away from transitions', (date) => {
    const noon = parisInstant(date, 12 * 60);
    const nextNoon = parisInstant(addDays(date, 1), 12 * 60);
    const transitions = preview(program, noon, nextNoon, { place: LAON }).slice(1).map((t) => t.at);
    const nearTransition = (ts: number) => transitions.some((at) => Math.abs(ts - at) <= TRANSITION_SLACK_MS);

    const disagreements: string[] = [];
    let compared = 0;
    for (let ts = noon; ts < nextNoon; ts += MIN_MS) {
      if (nearTransition(ts)) continue;
      compared++;
      const simulator = programLevel(ts, LAON.lat, LAON.lon, policy);
      const telegestion = levelAt(program, ts, { place: LAON }).levelPct;
      if (simulator !== telegestion) disagreements.push(`${new Date(ts).toISOString()}: simulator ${simulator} %, program ${telegestion} %`);
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    // A Paris day is 23, 24 or 25 h; at most 6 transitions take 5 min each.
    expect(compared).toBeGreaterThan(23 * 60 - 6 * 5);

    // The night has the shape the policy says: lit, then reduced where the policy reduces.
    const levels = new Set(preview(program, noon, nextNoon, { place: LAON }).map((t) => t.levelPct));
    expect(levels.has(100)).toBe(true);
    if (policy.night_mode === 'dim') expect(levels.has(policy.dim_level_pct)).toBe(true);
    if (policy.night_mode === 'off') {
      const extinction = { from: nightInstant(date, hh(policy.night_from_h)), to: nightInstant(date, hh(policy.night_to_h)) };
      expect(levelAt(program, (extinction.from + extinction.to) / 2, { place: LAON })).toMatchObject({ levelPct: 0, source: 'extinction' });
    }
  });
});
