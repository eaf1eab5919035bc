import { Injectable } from '@nestjs/common';
import { Database } from '@hv/state';
import type { KpiPeriod } from '../period';
import type { TenantSet } from '../rollup.reader';

/**
 * Overstays: telegestion raises one `overstay` alarm per stay whose enforced part (09:00–
 * 19:00, Monday to Saturday) passes its spot's limit (`max_stay_s`, the blue zone's 1 h 30),
 * so the stays are counted where their rule lives, not judged a second time here.
 * Cost: the tenants' overstay alarms of the period (PostgreSQL).
 */
@Injectable()
export class OverstaysRepository {
  constructor(private readonly db: Database) {}

  /** Overstays that began in the period, per tenant. */
  async perTenant(tenants: TenantSet, period: KpiPeriod): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ tenant: string; n: number }>(
      `SELECT tenant_id AS tenant, count(*)::int AS n FROM alarms
       WHERE type = 'overstay' AND since >= $2 AND since < $3 AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[]))
       GROUP BY tenant_id`,
      [tenants, new Date(period.fromMs), new Date(period.toMs)],
    );
    return new Map(rows.map((r) => [r.tenant, r.n]));
  }
}
