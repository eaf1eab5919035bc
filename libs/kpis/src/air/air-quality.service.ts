import { Injectable } from '@nestjs/common';
import { parisDays, type CivilDate } from '@hv/civil-time';
import { ATMO_CLASSES } from '@hv/air-index';
import { DeviceInventoryRepository } from '../device-inventory.repository';
import { KpiCache, questionKey } from '../kpi-cache';
import { parisDaysOf, type KpiPeriod } from '../period';
import type { TenantSet } from '../rollup.reader';
import { AirQualityRepository, type StationDay, type ThresholdEpisode } from './air-quality.repository';

/** An area's index of one Paris day: the worst index among its stations that have one (arrêté du 10 juillet 2020). */
interface AreaDay {
  index: number | null;
  responsible: Set<string>;
  /** Stations with an index that day. */
  stations: number;
}

/** A tenant's (or a group's) air quality over a period. */
export interface AirFigures {
  /** Air stations in service. */
  stations: number;
  days: Map<CivilDate, AreaDay>;
  episodes: ThresholdEpisode[];
  /** Paris days of the period during which a threshold alarm was active. */
  exceedanceDays: Set<CivilDate>;
}

const emptyAir = (): AirFigures => ({ stations: 0, days: new Map(), episodes: [], exceedanceDays: new Set() });

/** Merges one station's (or area's) day into an area's: the worst available index wins, its pollutants with it. */
function worstOf(into: AreaDay, d: AreaDay): void {
  into.stations += d.stations;
  if (d.index === null) return;
  if (into.index === null || d.index > into.index) {
    into.index = d.index;
    into.responsible = new Set(d.responsible);
  } else if (d.index === into.index) {
    for (const p of d.responsible) into.responsible.add(p);
  }
}

export function foldAir(parts: readonly AirFigures[]): AirFigures {
  const out = emptyAir();
  for (const p of parts) {
    out.stations += p.stations;
    for (const [date, d] of p.days) {
      const into = out.days.get(date) ?? out.days.set(date, { index: null, responsible: new Set(), stations: 0 }).get(date)!;
      worstOf(into, d);
    }
    out.episodes.push(...p.episodes);
    for (const d of p.exceedanceDays) out.exceedanceDays.add(d);
  }
  return out;
}

/** The Paris days of the period an episode was active on. */
function daysOf(e: ThresholdEpisode, period: KpiPeriod): CivilDate[] {
  const from = Math.max(e.sinceMs, period.fromMs);
  const to = Math.min(e.untilMs ?? period.toMs, period.toMs);
  if (to <= from) return [];
  return parisDays(from, to);
}

/**
 * As the API answers it: every Paris day of the period with the area's index ("indisponible"
 * when no station of the area has one, never guessed), the days per class, and the
 * threshold episodes by the highest threshold they crossed.
 */
export function airAnswer(f: AirFigures, period: KpiPeriod) {
  const labels = [...ATMO_CLASSES, 'indisponible'] as const;
  const classes: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  const days = parisDaysOf(period).days.map((date) => {
    const d = f.days.get(date);
    const index = d?.index ?? null;
    const label = index === null ? 'indisponible' : ATMO_CLASSES[index - 1]!;
    classes[label]!++;
    return { date, index, label, responsible: index === null ? [] : [...d!.responsible].sort(), stations: d?.stations ?? 0 };
  });
  const byPollutant: Record<string, { information: number; alert: number }> = {};
  for (const e of f.episodes) (byPollutant[e.pollutant] ??= { information: 0, alert: 0 })[e.level]++;
  return {
    stations: f.stations,
    days,
    classes,
    exceedances: {
      /** Episodes that stayed above the information threshold only, and those that crossed the alert threshold. */
      information: f.episodes.filter((e) => e.level === 'information').length,
      alert: f.episodes.filter((e) => e.level === 'alert').length,
      days: f.exceedanceDays.size,
      by_pollutant: Object.fromEntries(Object.entries(byPollutant).sort()),
    },
  };
}

/** The air-quality KPI per tenant: ATMO days from the aggregation's station points, exceedances from the threshold alarms. */
@Injectable()
export class AirQualityService {
  constructor(
    private readonly repository: AirQualityRepository,
    private readonly inventory: DeviceInventoryRepository,
    private readonly cache: KpiCache,
  ) {}

  /** Kept a while per question (KpiCache). */
  perTenant(tenants: TenantSet, period: KpiPeriod): Promise<ReadonlyMap<string, AirFigures>> {
    return this.cache.get(questionKey('air', tenants, period), () => this.compute(tenants, period));
  }

  private async compute(tenants: TenantSet, period: KpiPeriod): Promise<Map<string, AirFigures>> {
    const days = parisDaysOf(period);
    const [stations, points, episodes] = await Promise.all([
      this.inventory.inService(tenants, ['air-station']),
      this.repository.stationDays(days.fromMs, days.toMs, tenants),
      this.repository.episodes(period.fromMs, period.toMs, tenants),
    ]);
    const out = new Map<string, AirFigures>();
    const of = (tenant: string) => out.get(tenant) ?? out.set(tenant, emptyAir()).get(tenant)!;
    for (const [tenant, n] of stations) if (n['air-station']) of(tenant).stations = n['air-station'];
    for (const p of points) addStationDay(of(p.tenant), p);
    for (const e of episodes) {
      const f = of(e.tenant);
      f.episodes.push(e);
      for (const d of daysOf(e, period)) f.exceedanceDays.add(d);
    }
    return out;
  }
}

function addStationDay(f: AirFigures, p: StationDay): void {
  const into = f.days.get(p.date) ?? f.days.set(p.date, { index: null, responsible: new Set(), stations: 0 }).get(p.date)!;
  worstOf(into, { index: p.index, responsible: new Set(p.responsible), stations: p.index === null ? 0 : 1 });
}
