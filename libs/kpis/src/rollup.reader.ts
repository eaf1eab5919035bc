import { Injectable } from '@nestjs/common';
import { isTenantId, ROLLUP_POLICIES, type RollupPolicy } from '@hv/contracts';
import { influxIdent, InfluxRepository } from '@hv/timeseries';
import { isoOf, rollupRanges, type KpiPeriod } from './period';

/** The tenants a query reads: null for every one (no filter at all, the cheapest query). */
export type TenantSet = readonly string[] | null;

/** One rollup point of a tenant: its time (start of the hour or UTC day) and the fields asked for. */
export interface RollupRow {
  tenant: string;
  timeMs: number;
  values: Record<string, number>;
}

/**
 * The KPIs' reads of the per-commune rollups (libs/aggregates) in InfluxDB. Every query is
 * grouped by tenant and filtered on the tenant tag: the cost grows with the communes and
 * the points of the period, never with the devices.
 */
@Injectable()
export class RollupReader {
  /** Once seen, the rollup policies stay: they are created by the aggregation and never dropped. */
  private policiesSeen = false;

  constructor(private readonly influx: InfluxRepository) {}

  /**
   * Whether the aggregation has created its retention policies yet. Before its first run
   * (a new platform, an API pointed at a database nothing aggregates) there is no rollup to
   * read, which is no data rather than an error: InfluxDB refuses a query naming a policy
   * that does not exist.
   */
  private async hasRollups(): Promise<boolean> {
    if (this.policiesSeen) return true;
    const { series } = await this.influx.query('SHOW RETENTION POLICIES');
    const names = new Set(series.flatMap((s) => s.rows.map((r) => r.name)));
    this.policiesSeen = Object.keys(ROLLUP_POLICIES).every((rp) => names.has(rp));
    return this.policiesSeen;
  }

  /**
   * Each tenant's sums of `fields` over the period, from the daily rollup for whole UTC days
   * and the hourly one for the hours around them (one request, up to three statements).
   * Cost: 30 days of the Aisne's 797 communes read ≈ 24,000 daily and ≤ 38,000 hourly points.
   */
  async sums(measurement: string, fields: readonly string[], period: KpiPeriod, tenants: TenantSet): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (tenants?.length === 0 || !(await this.hasRollups())) return out;
    const { hours, days } = rollupRanges(period);
    const ranges: Array<[RollupPolicy, number, number]> = [...hours.map(([f, t]): [RollupPolicy, number, number] => ['h1', f, t]), ...(days ? [['d1', ...days] as [RollupPolicy, number, number]] : [])];
    const select = fields.map((f) => `sum(${influxIdent(f)}) AS ${influxIdent(f)}`).join(', ');
    const statements = ranges.map(([rp, f, t]) => `SELECT ${select} FROM ${from(rp, measurement)} WHERE ${where(f, t, tenants)} GROUP BY "tenant"`);
    for (const result of await this.influx.queryMulti(statements.join('; '))) {
      for (const s of result.series) {
        const sums = out.get(s.tags.tenant!) ?? out.set(s.tags.tenant!, Object.fromEntries(fields.map((f) => [f, 0]))).get(s.tags.tenant!)!;
        for (const row of s.rows) for (const f of fields) if (typeof row[f] === 'number') sums[f]! += row[f] as number;
      }
    }
    return out;
  }

  /**
   * The points of one policy in [fromMs, toMs), per tenant (fields absent from a point are
   * left out of its values). Cost: one point per commune and hour (`h1`) or day (`d1`).
   */
  async points(policy: RollupPolicy, measurement: string, fields: readonly string[], fromMs: number, toMs: number, tenants: TenantSet): Promise<RollupRow[]> {
    if (tenants?.length === 0 || !(await this.hasRollups())) return [];
    const select = fields.map((f) => influxIdent(f)).join(', ');
    const { series } = await this.influx.query(`SELECT ${select} FROM ${from(policy, measurement)} WHERE ${where(fromMs, toMs, tenants)} GROUP BY "tenant"`);
    const rows: RollupRow[] = [];
    for (const s of series) {
      for (const row of s.rows) {
        const values: Record<string, number> = {};
        for (const f of fields) if (typeof row[f] === 'number') values[f] = row[f] as number;
        rows.push({ tenant: s.tags.tenant!, timeMs: row.time as number, values });
      }
    }
    return rows;
  }
}

const from = (policy: RollupPolicy, measurement: string) => `${influxIdent(policy)}.${influxIdent(measurement)}`;

/**
 * The time window and the tenant filter. Tenant ids are checked against their pattern at
 * every boundary (digits, A and B only), so they are safe inside a regular expression.
 */
export function where(fromMs: number, toMs: number, tenants: TenantSet): string {
  const time = `time >= '${isoOf(fromMs)}' AND time < '${isoOf(toMs)}'`;
  if (tenants === null) return time;
  for (const t of tenants) if (!isTenantId(t)) throw new RangeError(`not a tenant id: ${JSON.stringify(t)}`);
  return `${time} AND "tenant" =~ /^(${tenants.join('|')})$/`;
}
