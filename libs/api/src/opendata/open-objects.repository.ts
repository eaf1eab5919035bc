import { Injectable } from '@nestjs/common';
import type { DeviceType } from '@hv/contracts';
import { Database } from '@hv/state';

/** A published object as the registry holds it: an active device with coordinates. */
export interface OpenObject {
  id: string;
  tenant: string;
  commune: string;
  name: string | null;
  lat: number;
  lon: number;
  cabinet: string | null;
}

/**
 * The registry side of the open datasets (PostgreSQL): the active devices of one type that
 * have coordinates (an object without a place cannot be an NGSI-LD entity, whose schema
 * requires `location`), a page at a time, and the open alarms of those devices.
 */
@Injectable()
export class OpenObjectsRepository {
  constructor(private readonly db: Database) {}

  /** A page of the devices of `type` in `tenants` (null: every tenant), by tenant and id, with the total. */
  async page(type: DeviceType, tenants: readonly string[] | null, limit: number, offset: number): Promise<{ total: number; objects: OpenObject[] }> {
    const { rows } = await this.db.query<OpenObject & { total: number }>(
      `SELECT d.id, d.tenant_id AS tenant, t.name AS commune, d.attributes->>'name' AS name,
         (d.attributes->>'lat')::float8 AS lat, (d.attributes->>'lon')::float8 AS lon, d.attributes->>'cabinet' AS cabinet,
         (count(*) OVER ())::int AS total
       FROM devices d JOIN tenants t ON t.id = d.tenant_id
       WHERE d.type = $1 AND d.retired_at IS NULL AND ($2::text[] IS NULL OR d.tenant_id = ANY($2::text[]))
         AND jsonb_typeof(d.attributes->'lat') = 'number' AND jsonb_typeof(d.attributes->'lon') = 'number'
       ORDER BY d.tenant_id, d.id LIMIT $3 OFFSET $4`,
      [type, tenants, limit, offset],
    );
    const total = rows[0]?.total ?? (offset > 0 ? await this.count(type, tenants) : 0);
    return { total, objects: rows.map(({ total: _total, ...o }) => o) };
  }

  /** The open (not cleared) alarm types of each of these devices, suppressed ones included (the lamp is dark all the same). */
  async openAlarmTypes(devices: readonly string[]): Promise<Map<string, string[]>> {
    if (devices.length === 0) return new Map();
    const { rows } = await this.db.query<{ device: string; types: string[] }>(
      `SELECT device_id AS device, array_agg(type ORDER BY type) AS types FROM alarms
       WHERE device_id = ANY($1::text[]) AND state <> 'cleared' GROUP BY device_id`,
      [devices],
    );
    return new Map(rows.map((r) => [r.device, r.types]));
  }

  /** A page past the end has no row to carry the window count. */
  private async count(type: DeviceType, tenants: readonly string[] | null): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM devices d
       WHERE d.type = $1 AND d.retired_at IS NULL AND ($2::text[] IS NULL OR d.tenant_id = ANY($2::text[]))
         AND jsonb_typeof(d.attributes->'lat') = 'number' AND jsonb_typeof(d.attributes->'lon') = 'number'`,
      [type, tenants],
    );
    return rows[0]!.n;
  }
}
