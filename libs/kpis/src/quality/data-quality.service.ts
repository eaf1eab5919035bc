import { Injectable } from '@nestjs/common';
import { MEASUREMENTS } from '@hv/contracts';
import { Database } from '@hv/state';
import { influxIdent, InfluxRepository } from '@hv/timeseries';
import { where, type TenantSet } from '../rollup.reader';

const HOUR_MS = 3_600_000;
/** The devices losing the most uplinks, listed per tenant. */
const LOSSIEST_LIMIT = 20;

/** One hour of the selected tenants' uplinks: received, and numbers skipped (lost). */
export interface QualityHour {
  time: string;
  received: number;
  lost: number;
}

/** What a collectivité needs to trust its data, over a period: its own figures. */
export interface TenantQuality {
  tenant: string;
  /** Uplinks that moved a device's sequence on or filled a hole. */
  received: number;
  /** Sequence numbers never received (uplinks lost between the device and the platform). */
  lost: number;
  expected: number;
  /** lost / expected, % (null without any uplink expected). */
  lossPct: number | null;
  /** Numbers seen again (redeliveries) and sequences started again (reboots, rejoins). */
  duplicates: number;
  resets: number;
  /** Messages of the tenant's devices refused by ingest, by reason (DEVICE-CONTRACT.md). */
  rejects: Array<{ reason: string; count: number }>;
  /** Devices with an open communication loss, the longest silent first. */
  silent: Array<{ device: string; since: string }>;
  /** Devices that lost the most uplinks in the period. */
  lossiest: Array<{ device: string; lost: number }>;
}

export interface DataQuality {
  from: string;
  to: string;
  /** The selected tenants' uplinks per hour (summed). */
  hours: QualityHour[];
  tenants: TenantQuality[];
  /** The platform's ingest, shared by every tenant: its worst lag (publish → stored) per hour, ms. */
  ingest: { lagMaxMs: number | null; hours: Array<{ time: string; lagMaxMs: number }> };
  /** Operators only: messages from ids the registry does not know (nobody's tenant). */
  unregisteredRejects?: number;
}

/**
 * Data quality per tenant, from what ingest and telegestion already write: the sequence
 * gaps (`seq_gaps`, `seq_gaps_device`), ingest's rejects by reason and tenant
 * (`ingest_reject`), ingest's own lag (`ingest_stats`), and the open communication losses
 * (PostgreSQL). Cost: a few InfluxDB statements over one point per tenant, domain and report
 * period, and one indexed read of the open alarms.
 */
@Injectable()
export class DataQualityService {
  constructor(
    private readonly influx: InfluxRepository,
    private readonly db: Database,
  ) {}

  async report(tenants: TenantSet, fromMs: number, toMs: number): Promise<DataQuality> {
    if (tenants?.length === 0) return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), hours: [], tenants: [], ingest: { lagMaxMs: null, hours: [] } };
    const range = where(fromMs, toMs, tenants);
    const time = where(fromMs, toMs, null);
    const gaps = influxIdent(MEASUREMENTS.seqGaps);
    const [hourly, perTenant, rejects, lossiest, ingest] = await this.influx.queryMulti(
      [
        `SELECT sum("received") AS received, sum("lost") AS lost FROM ${gaps} WHERE ${range} GROUP BY time(1h) fill(none)`,
        `SELECT sum("received") AS received, sum("lost") AS lost, sum("expected") AS expected, sum("duplicates") AS duplicates, sum("resets") AS resets FROM ${gaps} WHERE ${range} GROUP BY "tenant"`,
        `SELECT sum("count") AS count FROM ${influxIdent(MEASUREMENTS.reject)} WHERE ${tenants === null ? time : range} GROUP BY "tenant", "reason"`,
        `SELECT sum("lost") AS lost FROM ${influxIdent(MEASUREMENTS.seqGapsDevice)} WHERE ${range} GROUP BY "tenant", "device"`,
        `SELECT max("lag_max_ms") AS lag FROM ${influxIdent(MEASUREMENTS.ingestStats)} WHERE ${time} GROUP BY time(1h) fill(none)`,
      ].join('; '),
    );
    const out = new Map<string, TenantQuality>();
    const of = (tenant: string): TenantQuality =>
      out.get(tenant) ??
      out.set(tenant, { tenant, received: 0, lost: 0, expected: 0, lossPct: null, duplicates: 0, resets: 0, rejects: [], silent: [], lossiest: [] }).get(tenant)!;
    for (const t of tenants ?? []) of(t);

    for (const s of perTenant?.series ?? []) {
      const row = s.rows[0] ?? {};
      const q = of(s.tags.tenant!);
      q.received = num(row.received);
      q.lost = Math.max(0, num(row.lost));
      q.expected = num(row.expected);
      q.duplicates = num(row.duplicates);
      q.resets = num(row.resets);
      q.lossPct = q.expected > 0 ? Math.round((q.lost / q.expected) * 10_000) / 100 : null;
    }
    let unregistered = 0;
    for (const s of rejects?.series ?? []) {
      const count = num(s.rows[0]?.count);
      const tenant = s.tags.tenant!;
      if (tenant === '_unregistered') unregistered += count;
      else if (tenants === null || tenants.includes(tenant)) of(tenant).rejects.push({ reason: s.tags.reason!, count });
    }
    for (const s of lossiest?.series ?? []) {
      const lost = num(s.rows[0]?.lost);
      if (lost > 0) of(s.tags.tenant!).lossiest.push({ device: s.tags.device!, lost });
    }
    for (const q of out.values()) {
      q.rejects.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
      q.lossiest = q.lossiest.sort((a, b) => b.lost - a.lost || a.device.localeCompare(b.device)).slice(0, LOSSIEST_LIMIT);
    }
    for (const row of await this.silent(tenants)) of(row.tenant).silent.push({ device: row.device, since: row.since.toISOString() });

    const lags = (ingest?.series[0]?.rows ?? []).map((r) => ({ time: new Date(r.time as number).toISOString(), lagMaxMs: num(r.lag) }));
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      hours: (hourly?.series[0]?.rows ?? []).map((r) => ({ time: new Date(r.time as number).toISOString(), received: num(r.received), lost: num(r.lost) })),
      tenants: [...out.values()].sort((a, b) => a.tenant.localeCompare(b.tenant)),
      ingest: { lagMaxMs: lags.length ? Math.max(...lags.map((l) => l.lagMaxMs)) : null, hours: lags },
      ...(tenants === null ? { unregisteredRejects: unregistered } : {}),
    };
  }

  private async silent(tenants: TenantSet): Promise<Array<{ tenant: string; device: string; since: Date }>> {
    const sql = `SELECT tenant_id AS tenant, device_id AS device, since FROM alarms
      WHERE type = 'communication_loss' AND state <> 'cleared' ${tenants === null ? '' : 'AND tenant_id = ANY($1::text[])'} ORDER BY since, device_id`;
    const { rows } = await this.db.query<{ tenant: string; device: string; since: Date }>(sql, tenants === null ? [] : [tenants]);
    return rows;
  }
}

export const QUALITY_MAX_RANGE_MS = 31 * 24 * HOUR_MS;

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
