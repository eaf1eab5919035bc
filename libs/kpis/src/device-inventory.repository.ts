import { Injectable } from '@nestjs/common';
import type { DeviceType } from '@hv/contracts';
import { Database } from '@hv/state';
import type { TenantSet } from './rollup.reader';

/** Luminaires of one tenant that share a rating (and a retirement), as the registry describes them. */
export interface LuminaireModel {
  tenant: string;
  /** Null: still in service. */
  retiredAtMs: number | null;
  /** Attributes as registered (absent when not a number): the rules' defaults fill them in. */
  ratedPowerW: number | null;
  lossFactor: number | null;
  technology: string | null;
  count: number;
}

/** The mean position of a tenant's luminaires (those that have one). */
export interface TenantPlace {
  tenant: string;
  lat: number;
  lon: number;
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
   * `fromMs`), collapsed to one row per tenant, rating and retirement: a registry of
   * luminaires of a few models reads as a few rows per commune. Cost: one scan of the
   * tenants' devices (≈ 90,000 luminaires for the Aisne).
   */
  async luminaires(tenants: TenantSet, fromMs: number): Promise<LuminaireModel[]> {
    const { rows } = await this.db.query<{ tenant: string; retired_at: Date | null; rated: number | null; loss: number | null; technology: string | null; n: number }>(
      `SELECT tenant_id AS tenant, retired_at,
         CASE WHEN jsonb_typeof(attributes->'rated_power_w') = 'number' THEN (attributes->>'rated_power_w')::float8 END AS rated,
         CASE WHEN jsonb_typeof(attributes->'loss_factor') = 'number' THEN (attributes->>'loss_factor')::float8 END AS loss,
         attributes->>'technology' AS technology,
         count(*)::int AS n
       FROM devices
       WHERE type = 'lighting-controller' AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[])) AND (retired_at IS NULL OR retired_at > $2)
       GROUP BY 1, 2, 3, 4, 5`,
      [tenants, new Date(fromMs)],
    );
    return rows.map((r) => ({ tenant: r.tenant, retiredAtMs: r.retired_at ? r.retired_at.getTime() : null, ratedPowerW: r.rated, lossFactor: r.loss, technology: r.technology, count: r.n }));
  }

  /** Each tenant's luminaires' mean position (registry `lat`/`lon`), where the astronomical clock is read. */
  async luminairePlaces(tenants: TenantSet): Promise<TenantPlace[]> {
    const { rows } = await this.db.query<TenantPlace>(
      `SELECT tenant_id AS tenant, avg((attributes->>'lat')::float8) AS lat, avg((attributes->>'lon')::float8) AS lon
       FROM devices
       WHERE type = 'lighting-controller' AND ($1::text[] IS NULL OR tenant_id = ANY($1::text[]))
         AND jsonb_typeof(attributes->'lat') = 'number' AND jsonb_typeof(attributes->'lon') = 'number'
       GROUP BY tenant_id`,
      [tenants],
    );
    return rows;
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
