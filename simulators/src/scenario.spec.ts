import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Environment } from './env/environment';
import { scenarioFleet, scenarioStream } from './scenario-run';
import { loadScenario, parseScenario, scenarioEnvironment, scenarioFaults, ScenarioError, SimClock } from './scenario';

const valid = {
  name: 'DST night in Laon',
  fleet: { kind: 'laon-epci', seed: 7 },
  start: '2026-03-29T00:30:00+01:00',
  duration_s: 7_200,
  speed: 60,
  seed: 'dst',
  faults: [{ type: 'lamp_failure', at_s: 600, until_s: 1_800, share: 0.05 }],
};

describe('scenario files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hv-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a valid scenario and fills the defaults', () => {
    const s = parseScenario(valid);
    expect(s.step_ms).toBe(1_000);
    expect(s.channels).toEqual(['telemetry', 'event']);
    expect(s.commands).toEqual({ ack_delay_ms: 300, fail_share: 0, miss_share: 0 });
    expect(s.faults[0]).toEqual({ type: 'lamp_failure', at_s: 600, until_s: 1_800, share: 0.05 });
  });

  it('names every bad field, with its path', () => {
    const bad = { ...valid, start: 'yesterday', speed: -2, fleet: { kind: 'aisne', seed: 1, communes: ['75056'] }, faults: [{ type: 'lamp_failure', at_s: 100, until_s: 50 }, { type: 'alien_invasion', at_s: 1 }], extra: true };
    try {
      parseScenario(bad, 'bad.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      const text = (error as Error).message;
      expect(text).toContain('invalid scenario bad.json');
      for (const field of ['faults[1].type:', 'start:', 'speed:', 'fleet.communes[0]:', 'faults[0].until_s:', '(root): Unrecognized key']) expect(text).toContain(field);
    }
  });

  it('turns fault offsets into instants from the start date', () => {
    expect(scenarioFaults(parseScenario(valid))).toEqual([
      { type: 'lamp_failure', at: Date.parse('2026-03-29T00:30:00+01:00') + 600_000, until: Date.parse('2026-03-29T00:30:00+01:00') + 1_800_000, share: 0.05 },
    ]);
  });

  it('forces its pollution episodes on the shared environment, and checks them', () => {
    const s = parseScenario({ ...valid, episodes: [{ at_s: 3_600, until_s: 90_000, pm10_ugm3: 45 }] });
    const env = scenarioEnvironment(s);
    const start = Date.parse(valid.start);
    expect(env.episodeAt(start + 12 * 3_600_000).pm10).toBeGreaterThanOrEqual(45);
    expect(env.episodeAt(start + 12 * 3_600_000).pm10).toBe(new Environment('dst').episodeAt(start + 12 * 3_600_000).pm10 + 45);
    expect(() => parseScenario({ ...valid, episodes: [{ at_s: 10, until_s: 5, pm10_ugm3: 45 }] })).toThrow(/episodes\[0\]\.until_s: until_s must be after at_s/);
    expect(() => parseScenario({ ...valid, episodes: [{ at_s: 10, until_s: 50, pm10_ugm3: -1, nox: 3 }] })).toThrow(/episodes\[0\]\.pm10_ugm3: [\s\S]*episodes\[0\]: Unrecognized key: "nox"/);
  });

  it("leaves the season's own episodes out when asked, keeping the forced ones", () => {
    // The healthy-week test once failed on the dates that fell on a winter particle episode.
    const seasonal = new Environment('dst');
    const start = Date.parse(valid.start);
    const hours = Array.from({ length: 24 * 120 }, (_, i) => start + i * 3_600_000);
    expect(hours.some((t) => seasonal.episodeAt(t).pm10 > 0)).toBe(true);
    const clean = scenarioEnvironment(parseScenario({ ...valid, seasonal_episodes: false }));
    expect(hours.every((t) => clean.episodeAt(t).pm10 === 0 && clean.episodeAt(t).o3 === 0)).toBe(true);
    const forced = scenarioEnvironment(parseScenario({ ...valid, seasonal_episodes: false, episodes: [{ at_s: 0, until_s: 86_400, pm10_ugm3: 45 }] }));
    expect(forced.episodeAt(start + 12 * 3_600_000).pm10).toBeGreaterThan(0);
  });

  it('reads a file, and says so when it is not JSON', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(valid));
    expect(loadScenario(good).name).toBe('DST night in Laon');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"name": ');
    expect(() => loadScenario(broken)).toThrow(/broken\.json:\n {2}- not JSON/);
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(/cannot read/);
  });
});

describe('the scenario files shipped in simulators/scenarios', () => {
  const folder = join(__dirname, '..', 'scenarios');
  const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

  it('are there', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s validates, and its faults name devices of its fleet', (file) => {
    const scenario = loadScenario(join(folder, file));
    expect(scenario.faults.length).toBeGreaterThan(0);
    // The Aisne fleet takes seconds to build: its faults are by share, checked by the schema alone.
    if (scenario.fleet.kind === 'aisne') return;
    const run = scenarioStream(scenario, scenarioFleet(scenario, folder));
    let n = 0;
    for (const m of run.messages()) if (++n >= 100 || m.ts < run.startMs) break;
    expect(n).toBe(100);
  });
});

describe('SimClock', () => {
  it('runs simulated time `speed` times as fast as the wall clock, from the start date', () => {
    let wall = 1_000_000;
    const clock = new SimClock(Date.parse('2026-12-21T16:00:00+01:00'), 60, () => wall);
    expect(new Date(clock.now()).toISOString()).toBe('2026-12-21T15:00:00.000Z');
    wall += 60_000; // one wall minute = one simulated hour
    expect(new Date(clock.now()).toISOString()).toBe('2026-12-21T16:00:00.000Z');
    expect(clock.wallDelayUntil(clock.now() + 3_600_000)).toBe(60_000);
    expect(() => new SimClock(0, 0)).toThrow(RangeError);
  });
});
