import { z } from 'zod';
import { formatIssues } from '@hv/contracts';

/**
 * Lighting programs, in the spirit of TALQ calendars and control programs: an
 * astronomical on/off with offsets, a night plan (dimming steps, a night-extinction
 * window), calendar exceptions that replace the night plan (dates, a range of dates,
 * weekdays: festival nights, Christmas), and a presence boost with its hold time.
 * Times are Paris wall-clock times ("HH:MM"); a night is named by the date it begins on.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a Paris time HH:MM');
/** Years a program's dates may name: those the API takes for any date (its common.schema.ts: InfluxDB's range, with a margin). */
const FIRST_YEAR = 1680;
const LAST_YEAR = 2259;
const civilDate = z.iso
  .date({ error: 'must be a date YYYY-MM-DD' })
  .refine((s) => !/^\d{4}/.test(s) || (Number(s.slice(0, 4)) >= FIRST_YEAR && Number(s.slice(0, 4)) <= LAST_YEAR), `must be a date between ${FIRST_YEAR} and ${LAST_YEAR}`);
const levelPct = z.number().int().min(0).max(100);

/** Minutes after noon: the order of times through a night (12:00 → 11:59 the next day). */
export const nightOrder = (t: string): number => {
  const [h, m] = t.split(':').map(Number) as [number, number];
  return ((h + 12) % 24) * 60 + m;
};

const nightPlanShape = {
  /**
   * Dimming steps: from this time on, this level, until the next step or sunrise. Before
   * the night's first step the level is 100 %. In night order (e.g. 22:00 then 05:00).
   */
  steps: z.array(z.strictObject({ at: hhmm, level_pct: levelPct })).max(12).optional(),
  /** Lights off from `from` to `to` ("extinction en cœur de nuit", decided by the mayor). */
  extinction: z.strictObject({ from: hhmm, to: hhmm }).nullable().optional(),
};

function checkNightPlan(plan: { steps?: Array<{ at: string }>; extinction?: { from: string; to: string } | null }, ctx: z.RefinementCtx): void {
  const steps = plan.steps ?? [];
  for (let i = 1; i < steps.length; i++) {
    if (nightOrder(steps[i]!.at) <= nightOrder(steps[i - 1]!.at)) {
      ctx.addIssue({ code: 'custom', path: ['steps', i, 'at'], message: `steps must follow the night in order (12:00 → 11:59): ${steps[i]!.at} comes after ${steps[i - 1]!.at}` });
    }
  }
  if (plan.extinction && nightOrder(plan.extinction.to) <= nightOrder(plan.extinction.from)) {
    ctx.addIssue({ code: 'custom', path: ['extinction', 'to'], message: `the extinction must end after it starts in the same night (${plan.extinction.from} → ${plan.extinction.to})` });
  }
}

export const programExceptionSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    /** Nights that begin on these dates. */
    dates: z.array(civilDate).min(1).optional(),
    /** Nights that begin from `from` to `to`, both included. */
    from: civilDate.optional(),
    to: civilDate.optional(),
    /** Nights that begin on these weekdays (0 = Sunday … 6 = Saturday); with from/to, within that range only. */
    weekdays: z.array(z.number().int().min(0).max(6)).min(1).optional(),
    ...nightPlanShape,
  })
  .superRefine((e, ctx) => {
    if (!e.dates && !e.weekdays && !(e.from && e.to)) ctx.addIssue({ code: 'custom', path: [], message: 'an exception needs dates, weekdays, or from and to' });
    if ((e.from === undefined) !== (e.to === undefined)) ctx.addIssue({ code: 'custom', path: [e.from ? 'to' : 'from'], message: 'from and to go together' });
    if (e.from && e.to && e.to < e.from) ctx.addIssue({ code: 'custom', path: ['to'], message: `to (${e.to}) is before from (${e.from})` });
    checkNightPlan(e, ctx);
  });

export const lightingProgramSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes'),
    name: z.string().min(1).max(100),
    /** On at sunset plus this many minutes (negative: before sunset). */
    sunset_offset_min: z.number().int().min(-120).max(120).default(0),
    /** Off at sunrise plus this many minutes. */
    sunrise_offset_min: z.number().int().min(-120).max(120).default(0),
    ...nightPlanShape,
    /** The first exception that matches a night replaces its plan (list the specific ones first). */
    exceptions: z.array(programExceptionSchema).max(100).default([]),
    /** Presence detection raises the level to `level_pct` for `hold_s` after the last detection. */
    presence: z
      .strictObject({
        level_pct: levelPct,
        hold_s: z.number().int().min(10).max(3_600),
        /** Whether a detection also lights up during the extinction window. */
        during_extinction: z.boolean().default(false),
      })
      .nullable()
      .default(null),
  })
  .superRefine(checkNightPlan);

export type LightingProgram = z.output<typeof lightingProgramSchema>;
export type LightingProgramInput = z.input<typeof lightingProgramSchema>;
export type ProgramException = z.output<typeof programExceptionSchema>;
export type NightPlan = { steps: Array<{ at: string; level_pct: number }>; extinction: { from: string; to: string } | null };

/** A program with every bad field named (`exceptions[1].to: …`). */
export class ProgramError extends Error {
  override readonly name = 'ProgramError';
  constructor(readonly problems: string[]) {
    super(`invalid lighting program: ${problems.join('; ')}`);
  }
}

export function parseProgram(input: unknown): LightingProgram {
  const result = lightingProgramSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ProgramError(formatIssues(result.error.issues));
}
