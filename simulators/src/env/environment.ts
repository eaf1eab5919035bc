import { Random, type Seed } from '../random';
import { isWeekend, parisTime, type LocalTime } from '@hv/civil-time';

const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;

/** Periods (days) and amplitudes (°C) of the weather systems passing over the territory. */
const SYNOPTIC = [
  [3.7, 2.4],
  [6.1, 1.8],
  [11.3, 1.3],
] as const;

/** Length of the blocks in which seasonal pollution episodes are drawn, days. */
const EPISODE_BLOCK_DAYS = 4;
const HOUR_MS = 3_600_000;

/**
 * A regional pollution episode: every station of the territory sees it (episodes in the
 * Hauts-de-France are regional: spring ammonium-nitrate particles from fertiliser
 * spreading under anticyclones, winter particles from wood heating in cold still air,
 * summer ozone). Extra concentrations ramp up and down over up to 12 h at each end.
 */
export interface PollutionEpisode {
  /** Start and end, epoch ms. */
  from: number;
  to: number;
  /** Extra PM10 on the plateau, µg/m³ (PM2.5 rises with it). */
  pm10Ugm3: number;
  /** Extra O3 on the plateau, µg/m³, in the afternoon sun. */
  o3Ugm3?: number;
}

export interface EnvironmentOptions {
  /** Episodes on top of the seasonal ones (a scenario's). */
  episodes?: readonly PollutionEpisode[];
  /** Draw seasonal episodes from the seed (default true). */
  seasonalEpisodes?: boolean;
}

/**
 * The shared outside world of a simulation: weather and the rhythms of public buildings
 * and traffic. Pure functions of time and seed, so that every device sees the same
 * weather and any instant can be evaluated in any order.
 *
 * Climate of Laon (Météo-France normals 1991–2020, rounded): annual mean ≈ 10.8 °C,
 * January ≈ 3 °C, July ≈ 18.5 °C; diurnal range ≈ 5 °C in winter, 10 °C in summer.
 */
export class Environment {
  private readonly phases: number[];
  private readonly episodes: readonly PollutionEpisode[];
  private readonly seasonalEpisodes: boolean;
  private readonly episodeBlocks = new Map<number, PollutionEpisode | null>();

  constructor(
    readonly seed: Seed = 'hyperviseur',
    options: EnvironmentOptions = {},
  ) {
    const rng = new Random(seed, 'environment');
    this.phases = SYNOPTIC.map(() => rng.uniform(0, TWO_PI));
    for (const [i, e] of (options.episodes ?? []).entries()) {
      if (!(e.to > e.from) || !(e.pm10Ugm3 >= 0) || !((e.o3Ugm3 ?? 0) >= 0)) throw new RangeError(`episodes[${i}]: needs from < to and extra concentrations ≥ 0`);
    }
    this.episodes = options.episodes ?? [];
    this.seasonalEpisodes = options.seasonalEpisodes ?? true;
  }

  /** Extra pollutant concentrations of the episodes under way at `tsMs`, µg/m³ (0 outside any). */
  episodeAt(tsMs: number): { pm10: number; o3: number } {
    let pm10 = 0;
    let o3 = 0;
    const add = (e: PollutionEpisode | null | undefined) => {
      if (!e || tsMs < e.from || tsMs >= e.to) return;
      const ramp = Math.min(12 * HOUR_MS, (e.to - e.from) / 4);
      const w = Math.min(1, (tsMs - e.from) / ramp, (e.to - tsMs) / ramp);
      pm10 += w * e.pm10Ugm3;
      o3 += w * (e.o3Ugm3 ?? 0);
    };
    for (const e of this.episodes) add(e);
    if (this.seasonalEpisodes) add(this.seasonalEpisode(Math.floor(tsMs / (EPISODE_BLOCK_DAYS * DAY_MS))));
    return { pm10, o3 };
  }

  /**
   * The seasonal episode of a block of days, if it has one: frequent in spring
   * (February–April) and in summer (ozone), less in the heart of winter, rare otherwise.
   */
  private seasonalEpisode(block: number): PollutionEpisode | null {
    const cached = this.episodeBlocks.get(block);
    if (cached !== undefined) return cached;
    const blockStart = block * EPISODE_BLOCK_DAYS * DAY_MS;
    const month = new Date(blockStart + 2 * DAY_MS).getUTCMonth(); // 0 = January
    const spring = month >= 1 && month <= 3;
    const summer = month >= 5 && month <= 7;
    const winter = month === 11 || month === 0;
    const rng = new Random(this.seed, 'episode', block);
    const chance = spring ? 0.18 : summer ? 0.12 : winter ? 0.08 : 0.02;
    let episode: PollutionEpisode | null = null;
    if (rng.next() < chance) {
      const from = blockStart + rng.uniform(0, 1.5) * DAY_MS;
      const to = from + rng.uniform(1.5, 2.5) * DAY_MS;
      episode = summer ? { from, to, pm10Ugm3: rng.uniform(8, 18), o3Ugm3: rng.uniform(70, 120) } : { from, to, pm10Ugm3: rng.uniform(42, 75) };
    }
    if (this.episodeBlocks.size > 64) this.episodeBlocks.clear();
    this.episodeBlocks.set(block, episode);
    return episode;
  }

  /** Slowly varying departure from the seasonal normal (weather systems), °C. */
  anomalyC(tsMs: number): number {
    const days = tsMs / DAY_MS;
    let a = 0;
    for (let i = 0; i < SYNOPTIC.length; i++) {
      const [period, amplitude] = SYNOPTIC[i]!;
      a += amplitude * Math.sin((TWO_PI * days) / period + this.phases[i]!);
    }
    return a;
  }

  /** Seasonal normal daily mean, °C (minimum around 15 January). */
  normalDailyMeanC(t: LocalTime): number {
    return 10.8 - 7.7 * Math.cos((TWO_PI * (t.dayOfYear - 15)) / 365.25);
  }

  /** Daily mean outdoor temperature (no diurnal cycle), °C: what heating cut-offs use. */
  dailyMeanC(tsMs: number): number {
    return this.normalDailyMeanC(parisTime(tsMs)) + this.anomalyC(tsMs);
  }

  /** Outdoor temperature, °C: minimum near 05:00, maximum near 15:00. */
  outdoorC(tsMs: number, t: LocalTime = parisTime(tsMs)): number {
    const summer = 0.5 - 0.5 * Math.cos((TWO_PI * (t.dayOfYear - 15)) / 365.25); // 0 in January, 1 in July
    const halfRange = 2.5 + 2.5 * summer;
    return this.normalDailyMeanC(t) + this.anomalyC(tsMs) + halfRange * Math.cos((TWO_PI * (t.hour - 15)) / 24);
  }

  /** Outdoor relative humidity, %: high at night and in winter. */
  outdoorRhPct(tsMs: number, t: LocalTime = parisTime(tsMs)): number {
    const diurnal = 12 * Math.cos((TWO_PI * (t.hour - 5)) / 24);
    const seasonal = 6 * Math.cos((TWO_PI * (t.dayOfYear - 15)) / 365.25);
    return clamp(76 + diurnal + seasonal - 0.8 * this.anomalyC(tsMs), 30, 100);
  }

  /** Road traffic relative to the weekday rush hour (0–1): peaks at 08:00 and 17:30. */
  traffic(t: LocalTime): number {
    const bell = (centre: number, width: number) => Math.exp(-((t.hour - centre) ** 2) / (2 * width * width));
    const daytime = t.hour >= 6 && t.hour < 21 ? 0.45 : 0.08;
    if (isWeekend(t)) return clamp(Math.max(0.7 * daytime, 0.6 * bell(15, 3)), 0.05, 1);
    return clamp(Math.max(daytime, bell(8, 1), bell(17.5, 1.3)), 0.05, 1);
  }
}

/**
 * Occupancy schedules of the public buildings the simulators model (French school week:
 * no lessons on Wednesday afternoon or at the weekend).
 */
export type BuildingUse = 'school' | 'town-hall' | 'gym' | 'library';

export function buildingOccupied(use: BuildingUse, t: LocalTime): boolean {
  const h = t.hour;
  const weekday = !isWeekend(t);
  switch (use) {
    case 'school':
      if (!weekday) return false;
      if (t.weekday === 3) return h >= 8.5 && h < 12; // Wednesday morning only
      return (h >= 8.5 && h < 12) || (h >= 13.5 && h < 16.5);
    case 'town-hall':
      return weekday && h >= 8.5 && h < 18;
    case 'gym':
      return (weekday && h >= 17 && h < 22) || (t.weekday === 3 && h >= 13.5 && h < 18) || (t.weekday === 6 && h >= 9 && h < 18);
    case 'library':
      return t.weekday >= 2 && t.weekday <= 6 && h >= 10 && h < 18.5;
  }
}

export function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}
