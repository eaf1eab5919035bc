import { levelAt, nextChange, nightDateOf, parseProgram, placeOf, preview, resolveNight, type LevelInputs, type LightingProgram, type Night, type Override, type Place, type Transition } from '@hv/lighting';
import { addDays, parisInstant, type CivilDate } from '@hv/civil-time';
import type { RuleDevice } from '@hv/rules';
import type { ProgramAssignment, ProgramRepository } from './program.repository';

/**
 * What a luminaire follows when nothing is assigned to it: the astronomical clock, lit
 * the whole night at full level (what an unmanaged cabinet with a twilight switch does).
 */
export const DEFAULT_PROGRAM: LightingProgram = parseProgram({ id: 'default-astronomical', name: 'Astronomical clock, full night' });

/**
 * Lighting programs in memory, resolved per device: the most specific assignment wins
 * (device, then its cabinet, then its groups in id order, then its tenant), else
 * DEFAULT_PROGRAM. The same `levelAt` then drives commands, judges what devices report
 * and computes previews.
 */
export class ProgramDirectory {
  private programs = new Map<string, LightingProgram>();
  private assigned = new Map<string, string>();
  private groupsOf = new Map<string, string[]>();
  /**
   * Each device's program, place and current night (sun times, exception, steps, and the
   * noon-to-noon span it covers), looked up once per night rather than at every reading:
   * the hot path of a luminaire's telemetry. Cleared when programs change.
   */
  private current = new Map<string, { program: LightingProgram; place: Place } & NightSpan>();
  /**
   * The nights resolved, per program, date and cell: 50,000 luminaires resolving their own
   * took ≈ 5 s of CPU whenever a night began (or telegestion started), under the readings.
   */
  private resolved = new WeakMap<LightingProgram, Map<string, NightSpan>>();

  constructor(private readonly repository: ProgramRepository) {}

  async load(): Promise<void> {
    const { programs, assignments, memberships } = await this.repository.loadAll();
    this.programs = new Map(programs.map((p) => [`${p.tenant}/${p.program.id}`, p.program]));
    this.assigned = new Map(assignments.map((a: ProgramAssignment) => [`${a.tenant}/${a.scope}/${a.scopeId}`, a.programId]));
    const groups = new Map<string, string[]>();
    for (const m of memberships) (groups.get(m.device) ?? groups.set(m.device, []).get(m.device)!).push(m.group);
    this.groupsOf = groups;
    this.current = new Map();
    this.resolved = new WeakMap();
  }

  programFor(device: Pick<RuleDevice, 'id' | 'tenant' | 'cabinet'>): LightingProgram {
    const t = device.tenant;
    const id =
      this.assigned.get(`${t}/device/${device.id}`) ??
      (device.cabinet ? this.assigned.get(`${t}/cabinet/${device.cabinet}`) : undefined) ??
      this.groupsOf.get(device.id)?.map((g) => this.assigned.get(`${t}/group/${g}`)).find((p) => p !== undefined) ??
      this.assigned.get(`${t}/tenant/${t}`);
    return (id && this.programs.get(`${t}/${id}`)) || DEFAULT_PROGRAM;
  }

  /** The level the program (and the overrides in force) ask of the device at `ts`, %. */
  expectedLevel(device: RuleDevice, ts: number, overrides?: readonly Override[], lastPresenceMs?: number): number {
    let c = this.current.get(device.id);
    if (!c || ts < c.from || ts >= c.to) {
      const program = c?.program ?? this.programFor(device);
      const place = c?.place ?? placeOf(device);
      this.current.set(device.id, (c = { program, place, ...this.nightOf(program, nightDateOf(ts), place) }));
    }
    const inputs: LevelInputs = { place: c.place };
    if (overrides) inputs.overrides = overrides;
    if (lastPresenceMs !== undefined) inputs.lastPresenceMs = lastPresenceMs;
    return levelAt(c.program, ts, inputs, c.night).levelPct;
  }

  private nightOf(program: LightingProgram, date: CivilDate, place: Place): NightSpan {
    let byCell = this.resolved.get(program);
    if (!byCell) this.resolved.set(program, (byCell = new Map()));
    const key = `${date}|${place.lat}|${place.lon}`;
    let span = byCell.get(key);
    if (!span) {
      // Nights run noon to noon, Paris time (nightDateOf).
      span = { night: resolveNight(program, date, place), from: parisInstant(date, 12 * 60), to: parisInstant(addDays(date, 1), 12 * 60) };
      // A cache of past nights is no use: past this, start again.
      if (byCell.size >= 50_000) byCell.clear();
      byCell.set(key, span);
    }
    return span;
  }

  /** The program's next change after `ts` (when a reconciliation command should expire). */
  nextChange(device: RuleDevice, ts: number, overrides?: readonly Override[]): number | null {
    return nextChange(this.programFor(device), ts, { place: placeOf(device), ...(overrides ? { overrides } : {}) })?.at ?? null;
  }

  /** What the device will do between two instants, from the code that drives it. */
  preview(device: RuleDevice, fromMs: number, toMs: number, overrides?: readonly Override[]): Transition[] {
    return preview(this.programFor(device), fromMs, toMs, { place: placeOf(device), ...(overrides ? { overrides } : {}) });
  }
}

/** A night and the instants it covers, [from, to): Paris noon to noon. */
interface NightSpan {
  night: Night;
  from: number;
  to: number;
}
