import { Injectable } from '@nestjs/common';
import type { DeviceType, Domain } from '@hv/contracts';
import { Database } from './database';
import { DEVICE_COLUMNS, type Device } from './device.repository';
import { parseOrThrow } from './validation';
import { deviceAttributesSchema, type DeviceAttributes } from './device.schema';


export interface DeviceListFilter {
  /** The tenants to list; null: every tenant (operators). */
  tenants: readonly string[] | null;
  domain?: Domain;
  type?: DeviceType;
  includeRetired?: boolean;
  /** Text found, case aside, in the id, name, cabinet or building. */
  q?: string;
  limit: number;
  offset: number;
}

/** What the API does to the registry beyond provisioning: filtered listing, attribute updates. */
@Injectable()
export class DeviceAdminRepository {
  constructor(private readonly db: Database) {}

  async list(filter: DeviceListFilter): Promise<{ total: number; devices: Device[] }> {
    const pattern = filter.q === undefined ? null : `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const params = [filter.tenants, filter.domain ?? null, filter.type ?? null, filter.includeRetired ?? false, pattern];
    const where = `($1::text[] IS NULL OR tenant_id = ANY($1::text[])) AND ($2::text IS NULL OR domain = $2)
      AND ($3::text IS NULL OR type = $3) AND ($4 OR retired_at IS NULL)
      AND ($5::text IS NULL OR id ILIKE $5 OR attributes ->> 'name' ILIKE $5 OR attributes ->> 'cabinet' ILIKE $5 OR attributes ->> 'building' ILIKE $5)`;
    const [page, count] = await Promise.all([
      this.db.query<Device>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE ${where} ORDER BY id LIMIT $6 OFFSET $7`, [...params, filter.limit, filter.offset]),
      this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM devices WHERE ${where}`, params),
    ]);
    return { total: count.rows[0]?.n ?? 0, devices: page.rows };
  }

  /**
   * Merges `patch` into an active device's attributes (a null value removes the attribute)
   * and validates the result like provisioning does; undefined when the device is not active.
   */
  async updateAttributes(id: string, patch: Record<string, unknown>): Promise<Device | undefined> {
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<{ attributes: DeviceAttributes }>('SELECT attributes FROM devices WHERE id = $1 AND retired_at IS NULL FOR UPDATE', [id]);
      if (!rows[0]) return undefined;
      const merged: Record<string, unknown> = { ...rows[0].attributes };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      const attributes = parseOrThrow(deviceAttributesSchema, merged, 'device attributes', 'attributes');
      const updated = await tx.query<Device>(`UPDATE devices SET attributes = $2::jsonb WHERE id = $1 RETURNING ${DEVICE_COLUMNS}`, [id, JSON.stringify(attributes)]);
      return updated.rows[0];
    });
  }
}
