import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues, UPLINK_CHANNELS } from '@hv/contracts';
import { Environment } from './env/environment';
import { FAULT_TYPES, type FaultSpec } from './faults';

/**
 * A scenario as a file (JSON): which fleet, from which date, for how long, how fast, which
 * faults when, and how devices answer commands. Validated once, with every bad field named.
 */
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset, e.g. 2026-03-29T00:30:00+01:00' });

export const scenarioFleetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('aisne'), seed: z.union([z.string(), z.number()]), communes: z.array(z.string().regex(/^02\d{3}$/, 'an INSEE code of the Aisne (02xxx)')).optional(), scale: z.number().positive().max(2).optional() }),
  z.strictObject({ kind: z.literal('laon-epci'), seed: z.union([z.string(), z.number()]) }),
  z.strictObject({ kind: z.literal('demo'), seed: z.union([z.string(), z.number()]).optional() }),
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1) }),
]);

export const scenarioFaultSchema = z.strictObject({
  type: z.enum(FAULT_TYPES),
  /** Seconds after the scenario start. */
  at_s: z.number().min(0),
  /** Repair, seconds after the scenario start. */
  until_s: z.number().positive().optional(),
  devices: z.array(z.string().min(1)).min(1).optional(),
  share: z.number().min(0).max(1).optional(),
}).refine((f) => f.until_s === undefined || f.until_s > f.at_s, { message: 'until_s must be after at_s', path: ['until_s'] });

/** A regional pollution episode the scenario forces, on top of the seasonal ones. */
export const scenarioEpisodeSchema = z
  .strictObject({
    at_s: z.number().min(0),
    until_s: z.number().positive(),
    /** Extra PM10 on the plateau, µg/m³ (+40 takes a winter day's mean over the 50 µg/m³ information threshold). */
    pm10_ugm3: z.number().min(0).max(1_000),
    /** Extra O3 on the plateau, µg/m³, in the afternoon sun. */
    o3_ugm3: z.number().min(0).max(1_000).optional(),
  })
  .refine((e) => e.until_s > e.at_s, { message: 'until_s must be after at_s', path: ['until_s'] });

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(100),
  fleet: scenarioFleetSchema,
  /** Simulated start date (DST nights, winter, summer…). */
  start: isoDate,
  /** Simulated duration, s. */
  duration_s: z.number().positive(),
  /** Simulated seconds per wall-clock second: 1 is real time; 0 is as fast as possible. */
  speed: z.number().min(0).default(1),
  /** Simulated time between two messages of the stream, ms. */
  step_ms: z.number().positive().default(1_000),
  seed: z.union([z.string(), z.number()]),
  channels: z.array(z.enum(UPLINK_CHANNELS)).min(1).default(['telemetry', 'event']),
  /**
   * Share of the stream's slots that carry a device's own random events (presence,
   * switching, occupancy, and the faults devices report on their own); default the
   * stream's. 0 keeps only the injected faults' events: a fault-free run for rule tests.
   */
  event_share: z.number().min(0).max(1).optional(),
  faults: z.array(scenarioFaultSchema).default([]),
  episodes: z.array(scenarioEpisodeSchema).default([]),
  /**
   * Draw the season's own pollution episodes from the seed (default true). False gives clean
   * air whatever the dates: a run that must raise no threshold alarm (a healthy week) cannot
   * depend on whether its dates, which follow the day it runs, fall on a particle episode.
   */
  seasonal_episodes: z.boolean().default(true),
  commands: z
    .strictObject({
      /** Time a device takes to answer a command, ms of simulated time. */
      ack_delay_ms: z.number().min(0).max(60_000).default(300),
      /** Share of commands a device answers with status "failed". */
      fail_share: z.number().min(0).max(1).default(0),
      /** Share of commands whose first delivery a device misses (answered when sent again). */
      miss_share: z.number().min(0).max(1).default(0),
    })
    .default({ ack_delay_ms: 300, fail_share: 0, miss_share: 0 }),
});

export type Scenario = z.output<typeof scenarioSchema>;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid scenario ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates a scenario object; throws ScenarioError naming every bad field (`faults[2].at_s: …`). */
export function parseScenario(input: unknown, source = '(object)'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ScenarioError(
    source,
    formatIssues(result.error.issues),
  );
}

/** The scenario's faults as stream fault specs: offsets from the start become instants. */
export function scenarioFaults(scenario: Scenario): FaultSpec[] {
  const start = Date.parse(scenario.start);
  return scenario.faults.map((f) => ({
    type: f.type,
    at: start + f.at_s * 1000,
    ...(f.until_s !== undefined ? { until: start + f.until_s * 1000 } : {}),
    ...(f.devices ? { devices: f.devices } : {}),
    ...(f.share !== undefined ? { share: f.share } : {}),
  }));
}

/** The scenario's shared outside world: weather and schedules from its seed, its forced pollution episodes. */
export function scenarioEnvironment(scenario: Scenario): Environment {
  const start = Date.parse(scenario.start);
  return new Environment(scenario.seed, {
    seasonalEpisodes: scenario.seasonal_episodes,
    episodes: scenario.episodes.map((e) => ({ from: start + e.at_s * 1000, to: start + e.until_s * 1000, pm10Ugm3: e.pm10_ugm3, ...(e.o3_ugm3 !== undefined ? { o3Ugm3: e.o3_ugm3 } : {}) })),
  });
}

/** Reads and validates a scenario file (JSON). */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(path, [`cannot read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(path, [`not JSON: ${(error as Error).message}`]);
  }
  return parseScenario(json, path);
}

/**
 * The simulated clock the whole fleet shares: simulated time starts at `startMs` and runs
 * `speed` times as fast as the wall clock (speed 1: real time). Reading the wall clock is
 * injected, so tests and replays stay deterministic.
 */
export class SimClock {
  private readonly wall0: number;

  constructor(
    readonly startMs: number,
    readonly speed: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.wall0 = wallNow();
  }

  /** Simulated now, epoch ms (whole ms). */
  now(): number {
    return Math.floor(this.startMs + (this.wallNow() - this.wall0) * this.speed);
  }

  /** Wall-clock ms until the simulated instant `simMs` (0 when it is already past). */
  wallDelayUntil(simMs: number): number {
    return Math.max(0, (simMs - this.now()) / this.speed);
  }
}
