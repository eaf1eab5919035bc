import { Injectable } from '@nestjs/common';
import type { DeviceType } from '@hv/contracts';
import { Database } from '@hv/state';
import type { TenantSet } from './rollup.reader';

/**
 * The luminaires of one tenant in service until the same time, as sums of what the
 * registry says of their ratings, split by what it leaves out (the rules' defaults then
 * apply, see `installedPowerW`): one row per tenant and retirement, whatever the fleet.
 */
export interface LuminaireSums {
  tenant: string;
  /** Null: still in service. */
  retiredAtMs: number | null;
  count: number;
  /** Of which without a rated power. */
  unrated: number;
  /** Σ rated_power_w × loss_factor of those that have both, W. */
  ratedTimesLoss: number;
  /** Σ rated_power_w of those without a loss factor, sodium (`technology: hps`) and others. */
  ratedHps: number;
  ratedOther: number;
  /** Σ loss_factor of those without a rated power. */
  lossUnrated: number;
  /** Those with neither, sodium and others. */
  bareHps: number;
  bareOther: number;
  /** Σ lat and Σ lon of those with a position (registry `lat`/`lon`), and how many: where the tenant's sun is read. */
  latSum: number;
  lonSum: number;
  placed: number;
}

/**
 * What the registry (PostgreSQL) tells the KPIs: the luminaires' ratings and positions,
 * and the devices in service by tenant and type.
 */
@Injectable()
export class DeviceInventoryRepository {
  constructor(private readonly db: Database) {}

  /**
   * The luminaire controllers in service during some of the period (not retired before
   * `fromMs`), summed per tenant and retirement, with their positions. Cost: one scan of
   * the tenants' devices, ≈ 800 rows back; about a second for the Aisne's ≈ 90,000
   * luminaires, the slowest read of the energy KPI.
   */
  async luminaires(tenants: TenantSet, fromMs: number): Promise<LuminaireSums[]> {
    const { rows } = await this.db.query<{ tenant: string; retired_at: Date | null } & Record<'n' | 'un' | 'rl' | 'rh' | 'ro' | 'lu' | 'bh' | 'bo' | 'lat' | 'lon' | 'placed', number>>(
      `WITH l AS (
         SELECT tenant_id, retired_at, attributes->>'technology' = 'hps' AS hps,
           CASE WHEN jsonb_typeof(attributes->'rated_power_w') = 'number' THEN (attributes->>'rated_power_w')::float8 END AS rated,
           CASE WHEN jsonb_typeof(attributes->'loss_factor') = 'number' THEN (attributes->>'loss_factor')::float8 END AS loss,
           CASE WHEN jsonb_typeof(attributes->'lat') = 'number' AND jsonb_typeof(attributes->'lon') = 'number' THEN (attributes->>'lat')::float8 END AS lat,
           CASE WHEN jsonb_typeof(attributes->'lat') = 'number' AND jsonb_typeof(attributes->'lon') = 'number' THEN (attributes->>'lon')::float8 END AS lon
         FROM devices
         WHERE type = 'lighting-controller' AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[])) AND (retired_at IS NULL OR retired_at > $2)
       )
       SELECT tenant_id AS tenant, retired_at, count(*)::int AS n, count(*) FILTER (WHERE rated IS NULL)::int AS un,
         COALESCE(sum(rated * loss), 0) AS rl,
         COALESCE(sum(rated) FILTER (WHERE loss IS NULL AND hps), 0) AS rh,
         COALESCE(sum(rated) FILTER (WHERE loss IS NULL AND hps IS NOT TRUE), 0) AS ro,
         COALESCE(sum(loss) FILTER (WHERE rated IS NULL), 0) AS lu,
         count(*) FILTER (WHERE rated IS NULL AND loss IS NULL AND hps)::int AS bh,
         count(*) FILTER (WHERE rated IS NULL AND loss IS NULL AND hps IS NOT TRUE)::int AS bo,
         COALESCE(sum(lat), 0) AS lat, COALESCE(sum(lon), 0) AS lon, count(lat)::int AS placed
       FROM l GROUP BY tenant_id, retired_at`,
      [tenants, new Date(fromMs)],
    );
    return rows.map((r) => ({
      tenant: r.tenant,
      retiredAtMs: r.retired_at ? r.retired_at.getTime() : null,
      count: r.n,
      unrated: r.un,
      ratedTimesLoss: r.rl,
      ratedHps: r.rh,
      ratedOther: r.ro,
      lossUnrated: r.lu,
      bareHps: r.bh,
      bareOther: r.bo,
      latSum: r.lat,
      lonSum: r.lon,
      placed: r.placed,
    }));
  }

  /** Devices in service now, by tenant and type. */
  async inService(tenants: TenantSet, types: readonly DeviceType[]): Promise<Map<string, Partial<Record<DeviceType, number>>>> {
    const { rows } = await this.db.query<{ tenant: string; type: DeviceType; n: number }>(
      `SELECT tenant_id AS tenant, type, count(*)::int AS n FROM devices
       WHERE retired_at IS NULL AND type = ANY($2::text[]) AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[]))
       GROUP BY tenant_id, type`,
      [tenants, types],
    );
    const out = new Map<string, Partial<Record<DeviceType, number>>>();
    for (const r of rows) (out.get(r.tenant) ?? out.set(r.tenant, {}).get(r.tenant)!)[r.type] = r.n;
    return out;
  }
}
