import { describe, expect, it } from 'vitest';
import { parisStamp, ProgressPrinter, progressBar, progressLine, scenarioSummary } from './cli-progress';
import type { ScenarioProgress, ScenarioResult } from './scenario-run';

const progress: ScenarioProgress = {
  simTs: Date.parse('2026-03-29T01:30:00Z'), // 03:30 in Paris: summer time began at 01:00 UTC
  done: 0.375,
  devices: 95_538,
  published: 1_250_000,
  acked: 1_249_000,
  failed: 0,
  inFlight: 1_000,
  ratePerS: 15_321.4,
  commands: { received: 12, answered: 11, failed: 1, missed: 0, ignored: 0 },
  faultsActive: { faults: 2, devices: 1_913 },
  elapsedMs: 81_000,
};

describe('progress output', () => {
  it('draws the bar in proportion, clamped to 0..100 %', () => {
    expect(progressBar(0, 10)).toBe('[----------]   0%');
    expect(progressBar(0.5, 10)).toBe('[#####-----]  50%');
    expect(progressBar(1, 10)).toBe('[##########] 100%');
    expect(progressBar(7, 10)).toBe('[##########] 100%');
    expect(progressBar(Number.NaN, 10)).toBe('[----------]   0%');
  });

  it('stamps simulated time in Paris civil time, across the DST change', () => {
    expect(parisStamp(Date.parse('2026-03-29T00:59:00Z'))).toBe('2026-03-29 01:59');
    expect(parisStamp(Date.parse('2026-03-29T01:00:00Z'))).toBe('2026-03-29 03:00');
    expect(parisStamp(Date.parse('2026-12-21T23:30:00Z'))).toBe('2026-12-22 00:30');
  });

  it('shows devices, msg/s, commands answered and faults active on one line', () => {
    const line = progressLine(progress);
    expect(line).toContain('[#########---------------]  37%');
    expect(line).toContain('sim 2026-03-29 03:30');
    expect(line).toContain('95,538 devices');
    expect(line).toContain('15,321 msg/s');
    expect(line).toContain('commands 11/12 answered');
    expect(line).toContain('2 faults active on 1,913 devices');
    expect(progressLine({ ...progress, faultsActive: { faults: 0, devices: 0 } })).toContain('no fault active');
  });

  it('sums a run up', () => {
    const result: ScenarioResult = {
      scenario: 'week',
      devices: 124,
      published: 10,
      acked: 9,
      failed: 1,
      elapsedMs: 2_500,
      ratePerS: 3.6,
      maxInFlight: 3,
      simulatedFrom: Date.parse('2026-01-05T00:00:00+01:00'),
      simulatedTo: Date.parse('2026-01-12T00:00:00+01:00'),
      speed: 0,
      commands: { received: 3, answered: 2, failed: 1, missed: 0, ignored: 1 },
      faults: { planned: 2, devices: 7 },
      lost: 4,
      interrupted: true,
    };
    const text = scenarioSummary(result);
    expect(text).toContain('scenario "week" interrupted in 2.5 s');
    expect(text).toContain('2026-01-05 00:00 → 2026-01-12 00:00 (Paris), speed flat out');
    expect(text).toContain('10 published, 9 acknowledged, 1 failed');
    expect(text).toContain('3 received, 2 answered (1 failed on purpose), 1 ignored');
    expect(text).toContain('2 injected on 7 devices, 4 uplinks lost on purpose');
  });

  it('redraws one line on a terminal, and writes a line at most every interval elsewhere', () => {
    const written: string[] = [];
    const out = (isTTY: boolean) => ({ isTTY, columns: 40, write: (s: string) => written.push(s) }) as unknown as NodeJS.WriteStream;

    const log = new ProgressPrinter(out(false), 10_000);
    log.print('a', 0);
    log.print('b', 5_000);
    log.print('c', 10_000);
    log.end();
    expect(written).toEqual(['a\n', 'c\n']);

    written.length = 0;
    const tty = new ProgressPrinter(out(true), 10_000);
    tty.print('x'.repeat(60), 0);
    tty.print('short', 1);
    tty.end();
    expect(written[0]).toBe(`\r${'x'.repeat(38)}…\u001b[K`);
    expect(written[1]).toBe('\rshort\u001b[K');
    expect(written[2]).toBe('\n');
  });
});
