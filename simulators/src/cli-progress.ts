import { parisOffsetMs } from '@hv/civil-time';
import type { ScenarioProgress, ScenarioResult } from './scenario-run';

const BAR_WIDTH = 24;
const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** Simulated instant as operators read it: Paris wall time, `2026-03-29 02:59`. */
export function parisStamp(ms: number): string {
  return new Date(ms + parisOffsetMs(ms)).toISOString().slice(0, 16).replace('T', ' ');
}

/** `[#########---------------]  37%`: `done` is clamped to 0..1. */
export function progressBar(done: number, width = BAR_WIDTH): string {
  const d = Math.min(1, Math.max(0, Number.isFinite(done) ? done : 0));
  const filled = Math.round(d * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(d * 100)).padStart(3)}%`;
}

/**
 * One progress line of a scenario run: bar, simulated time, devices, msg/s, totals,
 * commands answered and faults active.
 */
export function progressLine(p: ScenarioProgress): string {
  const faults = p.faultsActive.faults === 0 ? 'no fault active' : `${p.faultsActive.faults} fault${p.faultsActive.faults > 1 ? 's' : ''} active on ${int.format(p.faultsActive.devices)} devices`;
  return [
    progressBar(p.done),
    `sim ${parisStamp(p.simTs)}`,
    `${int.format(p.devices)} devices`,
    `${int.format(p.ratePerS)} msg/s`,
    `${int.format(p.acked)} acked${p.failed ? `, ${int.format(p.failed)} failed` : ''}`,
    `commands ${int.format(p.commands.answered)}/${int.format(p.commands.received)} answered`,
    faults,
  ].join(' | ');
}

/** The human summary printed at the end of a scenario run (a JSON line follows it). */
export function scenarioSummary(r: ScenarioResult): string {
  const s = (r.elapsedMs / 1000).toFixed(1);
  const lines = [
    `scenario "${r.scenario}" ${r.interrupted ? 'interrupted' : 'done'} in ${s} s`,
    `  simulated   ${parisStamp(r.simulatedFrom)} → ${parisStamp(r.simulatedTo)} (Paris), speed ${r.speed === 0 ? 'flat out' : `×${r.speed}`}`,
    `  devices     ${int.format(r.devices)}`,
    `  messages    ${int.format(r.published)} published, ${int.format(r.acked)} acknowledged, ${int.format(r.failed)} failed (${int.format(r.ratePerS)} msg/s)`,
    `  commands    ${int.format(r.commands.received)} received, ${int.format(r.commands.answered)} answered (${int.format(r.commands.failed)} failed on purpose), ${int.format(r.commands.ignored)} ignored`,
    `  faults      ${r.faults.planned} injected on ${int.format(r.faults.devices)} devices${r.lost ? `, ${int.format(r.lost)} uplinks lost on purpose` : ''}`,
  ];
  if (r.recording) lines.push(`  recording   ${int.format(r.recording.messages)} messages, ${int.format(r.recording.compressedBytes)} bytes gzip, sha256 ${r.recording.sha256}`);
  return lines.join('\n');
}

/**
 * Where progress goes: on a terminal, one line redrawn in place at every report; elsewhere
 * (CI logs, pipes) a full line at most every `everyMs`.
 */
export class ProgressPrinter {
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 10_000,
  ) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  print(line: string, now = Date.now()): void {
    if (this.interactive) {
      const width = this.out.columns ?? 160;
      this.out.write(`\r${line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line}\u001b[K`);
      this.drawn = true;
    } else if (now - this.lastLineAt >= this.everyMs) {
      this.lastLineAt = now;
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the redrawn line, so what follows starts on its own. */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
