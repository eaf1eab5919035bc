import { Injectable } from '@nestjs/common';
import { addDays, parisDate, parisDaysSpan, type CivilDate } from '@hv/civil-time';
import { ATMO_CLASSES } from '@hv/air-index';
import type { AirQualityRow, CarParkRow, StreetlightRow } from './opendata.schema';
import { OpenObjectsRepository, type OpenObject } from './open-objects.repository';
import { OpenReadingsRepository } from './open-readings.repository';

/**
 * A luminaire's published level is the lowest it reported over this window, ms (1 h): a
 * presence boost (a hold of minutes, DOMAIN.md) lifts a few readings, never all of an
 * hour's six, so the open data shows the program's level and never that someone passed.
 */
export const LIGHTING_BASE_WINDOW_MS = 3_600_000;
/** A car park whose latest count is older than this is left out: stale counts mislead drivers, ms (1 h). */
export const CAR_PARK_FRESH_MS = 3_600_000;
/** Readings stamped a little ahead of the server's clock still count, ms. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Occupancy from which a car park is `almostFull` (saturation, DOMAIN.md). */
const SATURATION = 0.9;
/** Alarm types that say the light source itself fails (Smart Data Models `defectiveLamp`); the others (silence, supply, voltage, a day burner's relay) do not describe the lamp. */
const LAMP_FAULTS: ReadonlySet<string> = new Set(['lamp_failure', 'cycling', 'power_drift']);

export interface Page<R> {
  total: number;
  rows: R[];
}

/**
 * The open datasets, computed at the request from the registry and the readings: every row
 * is an equipment or an aggregate over one. The `tenants` filter is null for the whole
 * territory.
 */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly objects: OpenObjectsRepository,
    private readonly readings: OpenReadingsRepository,
  ) {}

  async streetlights(tenants: string[] | null, limit: number, offset: number, nowMs = Date.now()): Promise<Page<StreetlightRow>> {
    const page = await this.objects.page('lighting-controller', tenants, limit, offset);
    if (page.objects.length === 0) return { total: page.total, rows: [] };
    const [base, alarms] = await Promise.all([
      this.readings.lightingBase(tenantsOf(page.objects), nowMs - LIGHTING_BASE_WINDOW_MS, nowMs + CLOCK_SKEW_MS),
      this.objects.openAlarmTypes(page.objects.map((o) => o.id)),
    ]);
    const rows = page.objects.map((o): StreetlightRow => {
      const b = base.get(o.id);
      const level = b ? clamp01(b.minLevelPct / 100) : null;
      return {
        ...place(o),
        id: o.id,
        cabinet: o.cabinet,
        status: (alarms.get(o.id) ?? []).some((t) => LAMP_FAULTS.has(t)) ? 'defectiveLamp' : 'ok',
        power_state: level === null ? null : level === 0 ? 'off' : level < 1 ? 'low' : 'on',
        illuminance_level: level === null ? null : round(level, 3),
        observed_at: b ? new Date(b.lastMs).toISOString() : null,
      };
    });
    return { total: page.total, rows };
  }

  /** A Paris day of each outdoor station (a station without a reading that day is left out). */
  async airQuality(tenants: string[] | null, date: CivilDate, limit: number, offset: number): Promise<Page<AirQualityRow>> {
    const page = await this.objects.page('air-station', tenants, limit, offset);
    if (page.objects.length === 0) return { total: page.total, rows: [] };
    const span = parisDaysSpan(date);
    const days = await this.readings.airDay(tenantsOf(page.objects), span.fromMs, span.toMs);
    const rows = page.objects.flatMap((o): AirQualityRow[] => {
      const day = days.get(o.id);
      if (!day) return [];
      const mean = (p: keyof typeof day.means) => (day.means[p] === undefined ? null : round(day.means[p]!, 1));
      return [{
        ...place(o),
        station: o.id,
        date,
        pm25_ugm3: mean('pm25'),
        pm10_ugm3: mean('pm10'),
        no2_ugm3: mean('no2'),
        o3_ugm3: mean('o3'),
        so2_ugm3: mean('so2'),
        atmo_index: day.atmoIndex,
        atmo_label: day.atmoIndex === null ? 'indisponible' : ATMO_CLASSES[day.atmoIndex - 1]!,
      }];
    });
    return { total: page.total, rows };
  }

  async carParks(tenants: string[] | null, limit: number, offset: number, nowMs = Date.now()): Promise<Page<CarParkRow>> {
    const page = await this.objects.page('car-park', tenants, limit, offset);
    if (page.objects.length === 0) return { total: page.total, rows: [] };
    const counts = await this.readings.carParks(tenantsOf(page.objects), nowMs - CAR_PARK_FRESH_MS, nowMs + CLOCK_SKEW_MS);
    const rows = page.objects.flatMap((o): CarParkRow[] => {
      const c = counts.get(o.id);
      if (!c) return [];
      const total = Math.round(c.capacity);
      const occupied = Math.min(total, Math.round(c.occupied));
      const occupancy = round(occupied / total, 3);
      return [{
        ...place(o),
        id: o.id,
        total_spots: total,
        occupied_spots: occupied,
        available_spots: total - occupied,
        occupancy,
        status: occupied >= total ? 'full' : occupancy >= SATURATION ? 'almostFull' : 'spacesAvailable',
        observed_at: new Date(c.timeMs).toISOString(),
      }];
    });
    return { total: page.total, rows };
  }
}

/** The last complete Paris day: the default day of the air-quality dataset. */
export const lastCompleteParisDay = (nowMs = Date.now()): CivilDate => addDays(parisDate(nowMs), -1);

const place = (o: OpenObject) => ({ tenant: o.tenant, commune: o.commune, name: o.name, lat: o.lat, lon: o.lon });
const tenantsOf = (objects: readonly OpenObject[]) => [...new Set(objects.map((o) => o.tenant))];
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
