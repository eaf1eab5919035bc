import type { LightingCommand } from '@hv/contracts';
import { isDark, nightInstant, preview, type Transition } from '@hv/lighting';
import { addDays, parisInstant, type CivilDate } from '@hv/civil-time';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, demoFleet } from '../fleet';
import { FleetStream } from '../stream';
import { policyOf, programOfPolicy, type LightingPolicy } from './lighting-program';

const MIN_MS = 60_000;
/** isDark (what the devices use) and sunTimes (what the preview uses) may put sunset and sunrise a few seconds apart. */
const TRANSITION_SLACK_MS = 2 * MIN_MS;
const CONTROLLERS = 12;
/** One message every 10 s across 13 devices: each reports once per 130 s round (the order is shuffled each round). */
const STEP_MS = 10_000;
const DEVICES = CONTROLLERS + 1;
const REPORT_EVERY_MS = DEVICES * STEP_MS;

/** Laon demo fleets (tenant 02408) whose seeds draw each kind of night policy fleet.ts knows. */
const FLEETS: Array<{ seed: string; policy: LightingPolicy }> = [
  { seed: DEFAULT_SEED, policy: { night_mode: 'dim', night_from_h: 22, night_to_h: 6, dim_level_pct: 50 } },
  { seed: 'laon-7', policy: { night_mode: 'dim', night_from_h: 23, night_to_h: 6, dim_level_pct: 50 } },
  { seed: 'laon-off', policy: { night_mode: 'off', night_from_h: 23, night_to_h: 5, dim_level_pct: 50 } },
  { seed: 'laon-4', policy: { night_mode: 'full', night_from_h: 23, night_to_h: 6, dim_level_pct: 50 } },
];

/** Nights named by the Paris date they begin on. */
const NIGHTS: Array<[CivilDate, string]> = [
  ['2026-12-24', 'Christmas Eve'],
  ['2026-03-28', 'spring forward at 01:00 UTC on the 29th'],
  ['2026-10-24', 'fall back at 01:00 UTC on the 25th'],
];

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** The transition in force at `ts`: the last one at or before it. */
function inForce(transitions: readonly Transition[], ts: number): Transition {
  let current = transitions[0]!;
  for (const t of transitions) if (t.at <= ts) current = t;
  return current;
}

interface NightRun {
  compared: number;
  mismatches: string[];
  /** Messages whose preview says the policy's reduced level (dimmed, or off in the extinction window), and that report it. */
  reduced: number;
  lit: number;
  maxGapMs: number;
}

/** Runs a Laon fleet from noon to noon and compares every luminaire telemetry with its program's preview. */
function runNight(seed: string, date: CivilDate): NightRun {
  const fleet = demoFleet({ seed, controllers: CONTROLLERS, cabinets: 1 });
  const from = parisInstant(date, 12 * 60);
  const to = parisInstant(addDays(date, 1), 12 * 60);
  const previews = new Map<string, Transition[]>();
  for (const d of fleet.devices.filter((x) => x.type === 'lighting-controller')) {
    const { lat, lon } = d.attributes as { lat: number; lon: number };
    previews.set(d.id, preview(programOfPolicy(policyOf(d.attributes)), from, to, { place: { lat, lon } }));
  }

  const run: NightRun = { compared: 0, mismatches: [], reduced: 0, lit: 0, maxGapMs: 0 };
  const lastTs = new Map<string, number>();
  const stream = new FleetStream(fleet, { seed, startMs: from, stepMs: STEP_MS, count: Math.floor((to - from) / STEP_MS) });
  for (const m of stream.messages()) {
    const transitions = previews.get(m.device.id);
    if (!transitions || m.channel !== 'telemetry') continue;
    run.maxGapMs = Math.max(run.maxGapMs, m.ts - (lastTs.get(m.device.id) ?? from));
    lastTs.set(m.device.id, m.ts);
    if (transitions.some((t) => t.at > from && Math.abs(m.ts - t.at) <= TRANSITION_SLACK_MS)) continue;

    const body = JSON.parse(m.payload.toString('utf8')) as { level_pct: number; on: boolean };
    const expected = inForce(transitions, m.ts);
    run.compared++;
    if (body.level_pct !== expected.levelPct || body.on !== expected.levelPct > 0) {
      run.mismatches.push(`${m.device.id} at ${new Date(m.ts).toISOString()}: reported ${body.level_pct} % (on: ${body.on}), preview ${expected.levelPct} % (${expected.source})`);
      continue;
    }
    if (expected.source !== 'day' && expected.levelPct < 100) run.reduced++;
    if (expected.levelPct > 0) run.lit++;
  }
  return run;
}

describe('the preview matches what the simulated Laon luminaires did (no fault)', () => {
  it('draws the policies these fleets are chosen for', () => {
    for (const { seed, policy } of FLEETS) {
      for (const d of demoFleet({ seed, controllers: CONTROLLERS, cabinets: 1 }).devices) expect(policyOf(d.attributes)).toEqual(policy);
    }
  });

  describe.each(FLEETS.map((f) => [`${f.policy.night_mode} ${f.policy.night_from_h}–${f.policy.night_to_h}`, f] as const))('commune policy %s', (_, { seed, policy }) => {
    it.each(NIGHTS)('night of %s (%s): every luminaire reports the level the preview gives, away from transitions', (date) => {
      const run = runNight(seed, date);
      expect(run.mismatches.slice(0, 10)).toEqual([]);

      // Each luminaire reported once a round, so at most two rounds (4 min 20 s) apart, and
      // nearly all its reports were compared: a 23- to 25-hour night, less ±2 min around
      // at most 6 transitions.
      expect(run.maxGapMs).toBeLessThan(2 * REPORT_EVERY_MS);
      const nightMs = parisInstant(addDays(date, 1), 12 * 60) - parisInstant(date, 12 * 60);
      const reports = (CONTROLLERS * nightMs) / REPORT_EVERY_MS;
      expect(run.compared).toBeGreaterThan(0.9 * reports);

      // The night had the shape the policy gives: lit for hours, and reduced between its hours.
      expect(run.lit).toBeGreaterThan(CONTROLLERS * ((3 * 60 * MIN_MS) / REPORT_EVERY_MS));
      if (policy.night_mode === 'full') {
        expect(run.reduced).toBe(0);
      } else {
        const reducedMs = nightInstant(date, hh(policy.night_to_h)) - nightInstant(date, hh(policy.night_from_h));
        expect(run.reduced).toBeGreaterThan(0.9 * CONTROLLERS * (reducedMs / REPORT_EVERY_MS));
      }
    });
  });
});

describe('a day burner departs from the preview, and no command brings it back', () => {
  it('stays at 100 % by day whatever it is told, answers failed, and follows its program again once repaired', () => {
    const fleet = demoFleet({ seed: DEFAULT_SEED, controllers: CONTROLLERS, cabinets: 1 });
    const lamp = fleet.devices.find((d) => d.type === 'lighting-controller')!;
    const { lat, lon } = lamp.attributes as { lat: number; lon: number };
    // Christmas Eve 2026 in Laon: daylight from ≈ 07:40 to ≈ 15:50 UTC.
    const from = Date.parse('2026-12-24T08:00:00Z');
    const at = Date.parse('2026-12-24T09:00:00Z');
    const until = Date.parse('2026-12-24T12:00:00Z');
    const to = Date.parse('2026-12-24T15:00:00Z');
    const stream = new FleetStream(fleet, { seed: DEFAULT_SEED, startMs: from, stepMs: STEP_MS, count: (to - from) / STEP_MS, faults: [{ type: 'day_burner', at, until, devices: [lamp.id] }] });
    const program = programOfPolicy(policyOf(lamp.attributes));
    const dayLevel = (ts: number) => inForce(preview(program, from, to, { place: { lat, lon } }), ts).levelPct;
    const command = (ts: number, n: number): LightingCommand => ({ cmd_id: `day-burner-${n}`, ts, level_pct: 0, reason: 'manual', expires_at: ts + 4 * 3_600_000 });

    const acks: Array<{ ts: number; body: Record<string, unknown> }> = [];
    const levels: Array<{ ts: number; level: number }> = [];
    for (const m of stream.messages()) {
      if (m.device.id !== lamp.id) continue;
      const body = JSON.parse(m.payload.toString('utf8')) as { level_pct: number };
      levels.push({ ts: m.ts, level: body.level_pct });
      // Telegestion sees the lamp lit by day and tells it to go out, during the fault and after the repair.
      if (acks.length === 0 && m.ts >= at + 30 * MIN_MS) acks.push({ ts: m.ts, body: JSON.parse(stream.sim(lamp.id)!.ack(command(m.ts + 1, 1), m.ts + 1).payload.toString('utf8')) });
      if (acks.length === 1 && m.ts >= until + 30 * MIN_MS) acks.push({ ts: m.ts, body: JSON.parse(stream.sim(lamp.id)!.ack(command(m.ts + 1, 2), m.ts + 1).payload.toString('utf8')) });
    }

    expect(acks).toHaveLength(2);
    expect(acks[0]!.body).toMatchObject({ status: 'failed', on: true, level_pct: 100 });
    expect(acks[1]!.body).toMatchObject({ status: 'ok', on: false, level_pct: 0 });
    const during = levels.filter((l) => l.ts >= at && l.ts < until);
    const repaired = levels.filter((l) => l.ts >= until);
    expect(during.length).toBeGreaterThan(50);
    expect(repaired.length).toBeGreaterThan(50);
    for (const l of [...during, ...repaired]) expect(isDark(l.ts, lat, lon)).toBe(false);
    // Lit in daylight for the whole fault, before and after the failed command, where the preview says off.
    expect(during.every((l) => l.level === 100 && dayLevel(l.ts) === 0)).toBe(true);
    expect(during.some((l) => l.ts > acks[0]!.ts)).toBe(true);
    expect(repaired.every((l) => l.level === 0)).toBe(true);
  });
});
