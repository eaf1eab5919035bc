import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, scenarioFaults, ScenarioError, SimClock } from './scenario';

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
    expect(s.commands).toEqual({ ack_delay_ms: 300, fail_share: 0 });
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
