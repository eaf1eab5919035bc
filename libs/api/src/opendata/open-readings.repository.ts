import { Injectable } from '@nestjs/common';
import { DEVICE_TYPES, isTenantId, MEASUREMENTS } from '@hv/contracts';
import { ATMO_POLLUTANTS, type AtmoPollutant } from '@hv/air-index';
import { influxIdent, InfluxRepository, type QueryResult } from '@hv/timeseries';

/** A luminaire's readings over the window: its lowest level (%) and its latest reading's time (ms). */
export interface LightingBase {
  minLevelPct: number;
  lastMs: number;
}

export interface CarParkCount {
  occupied: number;
  capacity: number;
  timeMs: number;
}

/** A station's Paris day: the daily mean of each pollutant it reported (µg/m³) and its ATMO index (null: indisponible or not computed). */
export interface StationDay {
  means: Partial<Record<AtmoPollutant, number>>;
  atmoIndex: number | null;
}

const measurement = (type: keyof typeof DEVICE_TYPES) => influxIdent(DEVICE_TYPES[type].measurement);

/**
 * The InfluxDB side of the open datasets: what the devices of the requested tenants
 * reported in a window, grouped per device. Only figures leave here (levels, counts,
 * means), never an event: presence events, spot events and the on-street sensors'
 * measurements are not read at all.
 */
@Injectable()
export class OpenReadingsRepository {
  constructor(private readonly influx: InfluxRepository) {}

  async lightingBase(tenants: readonly string[], fromMs: number, toMs: number): Promise<Map<string, LightingBase>> {
    const where = `WHERE time >= $from AND time < $to AND ${tenantFilter(tenants)}`;
    const [low, last] = await this.influx.queryMulti(
      `SELECT min("level_pct") AS "level" FROM ${measurement('lighting-controller')} ${where} GROUP BY "device"; ` +
        `SELECT "level_pct" FROM ${measurement('lighting-controller')} ${where} GROUP BY "device" ORDER BY time DESC LIMIT 1`,
      window(fromMs, toMs),
    );
    const lastMs = perDevice(last!, (row) => row.time as number);
    const out = new Map<string, LightingBase>();
    for (const [device, level] of perDevice(low!, (row) => row.level as number)) {
      if (typeof level === 'number' && lastMs.has(device)) out.set(device, { minLevelPct: level, lastMs: lastMs.get(device)! });
    }
    return out;
  }

  async carParks(tenants: readonly string[], fromMs: number, toMs: number): Promise<Map<string, CarParkCount>> {
    const { series } = await this.influx.query(
      `SELECT "occupied", "capacity" FROM ${measurement('car-park')} WHERE time >= $from AND time < $to AND ${tenantFilter(tenants)} GROUP BY "device" ORDER BY time DESC LIMIT 1`,
      window(fromMs, toMs),
    );
    const out = new Map<string, CarParkCount>();
    for (const s of series) {
      const row = s.rows[0];
      if (row && typeof row.occupied === 'number' && typeof row.capacity === 'number') out.set(s.tags.device!, { occupied: row.occupied, capacity: row.capacity, timeMs: row.time as number });
    }
    return out;
  }

  /** [fromMs, toMs) is one Paris day; the ATMO point of a station is stamped at its midnight (libs/aggregates). */
  async airDay(tenants: readonly string[], fromMs: number, toMs: number): Promise<Map<string, StationDay>> {
    const means = ATMO_POLLUTANTS.map((p) => `mean("${p}_ugm3") AS "${p}"`).join(', ');
    const where = `WHERE time >= $from AND time < $to AND ${tenantFilter(tenants)}`;
    const [readings, atmo] = await this.influx.queryMulti(
      `SELECT ${means} FROM ${measurement('air-station')} ${where} GROUP BY "device"; ` +
        `SELECT "available", "index" FROM ${influxIdent(MEASUREMENTS.atmo)} ${where} AND "scope" = 'station' GROUP BY "device"`,
      window(fromMs, toMs),
    );
    const index = perDevice(atmo!, (row) => (row.available === 1 && typeof row.index === 'number' ? row.index : null));
    const out = new Map<string, StationDay>();
    for (const s of readings!.series) {
      const row = s.rows[0];
      if (!row) continue;
      const day: StationDay = { means: {}, atmoIndex: index.get(s.tags.device!) ?? null };
      for (const p of ATMO_POLLUTANTS) if (typeof row[p] === 'number') day.means[p] = row[p] as number;
      if (Object.keys(day.means).length > 0) out.set(s.tags.device!, day);
    }
    return out;
  }
}

const window = (fromMs: number, toMs: number) => ({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });

/** Tenant ids are digits (and 2A/2B), checked again here since they are spliced into a regex. */
function tenantFilter(tenants: readonly string[]): string {
  if (tenants.length === 0 || !tenants.every(isTenantId)) throw new RangeError(`tenant filter: ${tenants.join(', ')}`);
  return `"tenant" =~ /^(${tenants.join('|')})$/`;
}

function perDevice<T>(result: QueryResult, value: (row: Record<string, unknown>) => T): Map<string, T> {
  const out = new Map<string, T>();
  for (const s of result.series) if (s.rows[0]) out.set(s.tags.device!, value(s.rows[0]));
  return out;
}
