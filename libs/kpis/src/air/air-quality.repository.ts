import { Injectable } from '@nestjs/common';
import { MEASUREMENTS } from '@hv/contracts';
import { parisDate, type CivilDate } from '@hv/civil-time';
import { Database } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import { where, type TenantSet } from '../rollup.reader';

/** One station's ATMO index of one Paris day, as the aggregation wrote it. */
export interface StationDay {
  tenant: string;
  date: CivilDate;
  /** Null: "indisponible". */
  index: number | null;
  responsible: string[];
}

/** A threshold alarm (information or alert threshold of a pollutant) active during the period. */
export interface ThresholdEpisode {
  tenant: string;
  /** `pm10`, `no2`, `o3`, `so2`. */
  pollutant: string;
  /** The highest threshold it crossed: telegestion escalates an episode to critical past the alert threshold. */
  level: 'information' | 'alert';
  sinceMs: number;
  /** Null while it goes on. */
  untilMs: number | null;
}

/**
 * Air quality as the platform stored it: the stations' daily ATMO points (InfluxDB, written
 * by the aggregation) and the threshold alarms (PostgreSQL, raised by telegestion).
 */
@Injectable()
export class AirQualityRepository {
  constructor(
    private readonly influx: InfluxRepository,
    private readonly db: Database,
  ) {}

  /** The station points of the Paris days whose midnight is in [fromMs, toMs). Cost: one point per station and day. */
  async stationDays(fromMs: number, toMs: number, tenants: TenantSet): Promise<StationDay[]> {
    if (tenants?.length === 0) return [];
    const { series } = await this.influx.query(`SELECT "available", "index", "responsible" FROM "${MEASUREMENTS.atmo}" WHERE "scope" = 'station' AND ${where(fromMs, toMs, tenants)} GROUP BY "tenant", "device"`);
    return series.flatMap((s) =>
      s.rows.map((r) => ({
        tenant: s.tags.tenant!,
        // The point stands at the day's Paris midnight.
        date: parisDate(r.time as number),
        index: r.available === 1 && typeof r.index === 'number' ? r.index : null,
        responsible: typeof r.responsible === 'string' && r.responsible ? r.responsible.split(',') : [],
      })),
    );
  }

  /** Threshold alarms active at some time of [fromMs, toMs). Cost: the tenants' threshold alarms of the period. */
  async episodes(fromMs: number, toMs: number, tenants: TenantSet): Promise<ThresholdEpisode[]> {
    const { rows } = await this.db.query<{ tenant: string; type: string; severity: string; since: Date; cleared_at: Date | null }>(
      `SELECT tenant_id AS tenant, type, severity, since, cleared_at FROM alarms
       WHERE kind = 'threshold' AND since < $3 AND (cleared_at IS NULL OR cleared_at > $2) AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[]))`,
      [tenants, new Date(fromMs), new Date(toMs)],
    );
    return rows.map((r) => ({
      tenant: r.tenant,
      pollutant: r.type.replace(/_threshold$/, ''),
      level: r.severity === 'critical' ? 'alert' : 'information',
      sinceMs: r.since.getTime(),
      untilMs: r.cleared_at ? r.cleared_at.getTime() : null,
    }));
  }
}
