import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEVICE_ROLLUP_DAYS, DEVICE_TYPES, MEASUREMENTS } from '@hv/contracts';
import { addDays, parisDate, parisDays, parisDaysSpan, type CivilDate } from '@hv/civil-time';
import { ATMO_POLLUTANTS, type AtmoPollutant } from '@hv/air-index';
import { INFLUX_OPTIONS, InfluxRejectedError, InfluxRepository, type InfluxOptions } from '@hv/timeseries';
import { atmoPoints, type StationHour } from './atmo-day';
import { ceilTo, DAY_MS, dailyStatement, deviceHourLedger, deviceHourStatements, floorTo, HOUR_MS, hourlyStatements, retentionStatements, ROLLUPS, timeWindow } from './rollups';
import { SPOT_STATE_HOLD_MS, spotDailyStatement, spotHourPoints, spotSampleStatements, type SpotSeries } from './spot-hours';

export interface AggregateRunReport {
  /** Paris days whose ATMO points were (re)written, and how many points. */
  atmoDays: number;
  atmoPoints: number;
  /** Points the rollup statements wrote (InfluxDB's own `written` counts). */
  hourlyPoints: number;
  dailyPoints: number;
  /** Per-device hourly means written (`device_h1`), and the time that took. */
  deviceHourPoints: number;
  deviceHoursMs: number;
  elapsedMs: number;
}

/** What one aggregation run covers: consecutive Paris days (ATMO), whole UTC hours and days (epoch ms, [from, to)). */
interface AggregatePeriods {
  parisDays: CivilDate[];
  hours: [fromMs: number, toMs: number];
  utcDays: [fromMs: number, toMs: number];
}

/**
 * The daily aggregation: the ATMO index per station and per EPCI of each Paris day, the
 * hourly and daily rollups per commune that the boards' long-range panels read, and each
 * device's hourly means that the device history reads. Every step
 * rewrites its period from the raw points, so a rerun over the same period gives the same
 * points (the scheduler reruns the current hour and day until they are over).
 */
@Injectable()
export class AggregatesService {
  private readonly log = new Logger('aggregates');
  private policiesReady: Promise<void> | undefined;

  constructor(
    private readonly influx: InfluxRepository,
    @Inject(INFLUX_OPTIONS) private readonly options: InfluxOptions,
  ) {}

  /** Everything for [fromMs, toMs): the hours, UTC days and Paris days that touch it. */
  async run(fromMs: number, toMs: number): Promise<AggregateRunReport> {
    return this.aggregate({
      parisDays: parisDays(fromMs, toMs),
      hours: [floorTo(fromMs, HOUR_MS), ceilTo(toMs, HOUR_MS)],
      utcDays: [floorTo(fromMs, DAY_MS), ceilTo(toMs, DAY_MS)],
    });
  }

  /**
   * What the schedule recomputes (late readings included, up to these bounds): the current
   * and previous hour, the current and previous UTC day from the hourly points, the current
   * and previous Paris day's ATMO index. A reading older than that is counted once its
   * period is run again (`run`, e.g. a backfill after an outage).
   */
  async refresh(now: number): Promise<AggregateRunReport> {
    const today = parisDate(now);
    return this.aggregate({
      parisDays: [addDays(today, -1), today],
      hours: [floorTo(now, HOUR_MS) - HOUR_MS, ceilTo(now + 1, HOUR_MS)],
      utcDays: [floorTo(now, DAY_MS) - DAY_MS, ceilTo(now + 1, DAY_MS)],
    });
  }

  /** Rewrites the ATMO points of the Paris days in [fromMs, toMs) (Paris midnights); returns the points written. */
  async atmo(fromMs: number, toMs: number): Promise<number> {
    const station = `"${DEVICE_TYPES['air-station'].measurement}"`;
    const means = ATMO_POLLUTANTS.map((p) => `mean("${p}_ugm3") AS "${p}"`).join(', ');
    const result = await this.influx.query(`SELECT ${means} FROM ${station} WHERE ${timeWindow(fromMs, toMs)} GROUP BY time(1h), "device", "tenant", "epci" fill(none)`);
    const byDay = new Map<string, StationHour[]>();
    for (const s of result.series) {
      for (const row of s.rows) {
        const timeMs = row.time as number;
        const hour: StationHour = { tenant: s.tags.tenant!, device: s.tags.device!, epci: s.tags.epci || null, timeMs, means: {} };
        for (const p of ATMO_POLLUTANTS) if (typeof row[p] === 'number') hour.means[p as AtmoPollutant] = row[p] as number;
        const day = parisDate(timeMs);
        const dayHours = byDay.get(day);
        if (dayHours) dayHours.push(hour);
        else byDay.set(day, [hour]);
      }
    }
    // A day rewritten whole: a station or EPCI that has no index any more loses its old point.
    await this.influx.query(`DELETE FROM "${MEASUREMENTS.atmo}" WHERE ${timeWindow(fromMs, toMs)}`);
    const points = [...byDay].flatMap(([day, hours]) => atmoPoints(day, hours));
    await this.influx.writePoints(points);
    return points.length;
  }

  /** Writes the hourly rollups of [fromMs, toMs) (whole UTC hours) from the raw points; returns the points written. */
  async rollupHours(fromMs: number, toMs: number): Promise<number> {
    await this.ensurePolicies();
    let written = 0;
    // A day at a time: one statement over a long backfill would hold every series in memory at once.
    for (let from = fromMs; from < toMs; from += DAY_MS) {
      const to = Math.min(toMs, from + DAY_MS);
      for (const rollup of ROLLUPS) for (const s of hourlyStatements(rollup, from, to)) written += await this.into(s);
      written += await this.rollupSpotHours(from, to);
    }
    return written;
  }

  /**
   * Writes the on-street spots' hourly rollup of [fromMs, toMs) (whole UTC hours), computed
   * here rather than in InfluxQL: occupancy is the time between a spot's state changes, which
   * no InfluxQL function derives from boolean samples. Reads the samples from
   * SPOT_STATE_HOLD_MS before, so that each spot's state at `fromMs` is known.
   */
  async rollupSpotHours(fromMs: number, toMs: number): Promise<number> {
    await this.ensurePolicies();
    const [readings, events] = await this.influx.queryMulti(spotSampleStatements(fromMs - SPOT_STATE_HOLD_MS, toMs).join('; '));
    const spots = new Map<string, SpotSeries>();
    const add = (tags: Record<string, string>, timeMs: number, occupied: boolean) => {
      const device = tags.device!;
      let s = spots.get(device);
      if (!s) spots.set(device, (s = { device, tenant: tags.tenant!, epci: tags.epci || null, samples: [] }));
      s.samples.push({ timeMs, occupied });
    };
    for (const s of readings?.series ?? []) for (const r of s.rows) if (typeof r.occupied === 'boolean') add(s.tags, r.time as number, r.occupied);
    for (const s of events?.series ?? []) for (const r of s.rows) add(s.tags, r.time as number, s.tags.event === 'occupied');
    const points = spotHourPoints([...spots.values()], fromMs, toMs);
    await this.influx.writePoints(points, { retentionPolicy: 'h1' });
    return points.length;
  }

  /**
   * Writes each device's hourly means of the hours of [fromMs, toMs) that are over (whole
   * UTC hours) into `device_h1`, then marks them complete in the ledger
   * (`device_rollup_hours`): their means hold every reading stored when their statement
   * started. The device history reads marked hours from here and the others (the current
   * hour, hours never rolled up) from the raw points. A reading stored after its hour's
   * last run is in the raw points only, until its period is run again (as for the commune
   * rollups). Hours older than the policy's DEVICE_ROLLUP_DAYS are left to the raw points.
   * Returns the means written.
   */
  async rollupDeviceHours(fromMs: number, toMs: number): Promise<number> {
    await this.ensurePolicies();
    // Over on the platform's clock (when readings are stored), whatever clock the caller runs
    // on; and within the policy's duration, past which InfluxDB drops what is written.
    const now = Date.now();
    const until = Math.min(toMs, floorTo(now, HOUR_MS));
    const since = Math.max(fromMs, ceilTo(now - DEVICE_ROLLUP_DAYS * DAY_MS, HOUR_MS) + HOUR_MS);
    let written = 0;
    for (let from = since; from < until; from += DAY_MS) {
      const to = Math.min(until, from + DAY_MS);
      const startedAt = Date.now();
      for (const s of deviceHourStatements(from, to)) written += await this.into(s);
      const ledger = [];
      for (let hour = from; hour < to; hour += HOUR_MS) ledger.push(deviceHourLedger(hour, startedAt));
      await this.influx.writePoints(ledger, { retentionPolicy: 'device_h1' });
    }
    return written;
  }

  /** Writes the daily rollups of [fromMs, toMs) (whole UTC days) from the hourly ones. */
  async rollupDays(fromMs: number, toMs: number): Promise<number> {
    await this.ensurePolicies();
    let written = 0;
    for (const rollup of ROLLUPS) written += await this.into(dailyStatement(rollup, fromMs, toMs));
    written += await this.into(spotDailyStatement(fromMs, toMs));
    return written;
  }

  /** The rollups' retention policies, created once per process (a no-op when they exist as declared). */
  ensurePolicies(): Promise<void> {
    this.policiesReady ??= (async () => {
      for (const { create, alter } of retentionStatements(this.options.database)) {
        try {
          await this.influx.query(create);
        } catch (error) {
          // "retention policy already exists" with other settings: bring it back to the declared ones.
          if (!(error instanceof InfluxRejectedError)) throw error;
          this.log.warn(`${error.message}: altering it`);
          await this.influx.query(alter);
        }
      }
    })().catch((error: unknown) => {
      this.policiesReady = undefined;
      throw error;
    });
    return this.policiesReady;
  }

  /** The ATMO index of consecutive Paris days, then the hourly and daily rollups of their [from, to) windows. */
  private async aggregate(periods: AggregatePeriods): Promise<AggregateRunReport> {
    const t0 = Date.now();
    const { parisDays: days, hours, utcDays } = periods;
    const span = parisDaysSpan(days[0]!, days.at(-1)!);
    const atmo = await this.atmo(span.fromMs, span.toMs);
    const hourlyPoints = await this.rollupHours(...hours);
    const dailyPoints = await this.rollupDays(...utcDays);
    const t1 = Date.now();
    const deviceHourPoints = await this.rollupDeviceHours(...hours);
    return { atmoDays: days.length, atmoPoints: atmo, hourlyPoints, dailyPoints, deviceHourPoints, deviceHoursMs: Date.now() - t1, elapsedMs: Date.now() - t0 };
  }

  private async into(statement: string): Promise<number> {
    const result = await this.influx.query(statement);
    return Number(result.series[0]?.rows[0]?.written ?? 0);
  }
}
