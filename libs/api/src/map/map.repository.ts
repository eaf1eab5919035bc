import { Injectable } from '@nestjs/common';
import { KpiCache, OPEN_ALARM_STATES_SQL, questionKey } from '@hv/kpis';
import { Database } from '@hv/state';

/** A commune on the map: where its positioned devices are (their mean position), and their states. */
export interface MapCommune {
  tenant: string;
  name: string;
  lat: number;
  lon: number;
  devices: number;
  ok: number;
  faulty: number;
  offline: number;
}

export interface MapDevice {
  id: string;
  name: string | null;
  type: string;
  domain: string;
  lat: number;
  lon: number;
  state: 'ok' | 'faulty' | 'offline';
}

/** The commune counts are kept this long for the same question, ms (as the connected objects' counts). */
const COMMUNES_TTL_MS = 5_000;
/** Devices of one request at most: a commune's whole fleet, an EPCI's main towns. */
export const MAP_DEVICES_LIMIT = 5_000;

/** A device's state as the connected objects count it: a communication loss wins over a fault. */
const STATES = `WITH a AS (${OPEN_ALARM_STATES_SQL})`;
const POSITIONED = `d.retired_at IS NULL AND jsonb_typeof(d.attributes -> 'lat') = 'number' AND jsonb_typeof(d.attributes -> 'lon') = 'number'`;

/**
 * The map's data from the registry and the open alarms (PostgreSQL): per commune for the
 * territory (one point per commune, ≈ 800 for the Aisne, instead of 95,000 devices sent to
 * a browser), and the devices themselves for the communes a user zooms into.
 */
@Injectable()
export class MapRepository {
  constructor(
    private readonly db: Database,
    private readonly cache: KpiCache,
  ) {}

  communes(tenants: readonly string[] | null): Promise<MapCommune[]> {
    return this.cache.get(
      questionKey('map-communes', tenants),
      async () => {
        const { rows } = await this.db.query<MapCommune>(
          `${STATES}
           SELECT d.tenant_id AS tenant, t.name, avg((d.attributes ->> 'lat')::float8) AS lat, avg((d.attributes ->> 'lon')::float8) AS lon,
             count(*)::int AS devices,
             count(*) FILTER (WHERE NOT COALESCE(a.offline, false) AND NOT COALESCE(a.faulty, false))::int AS ok,
             count(*) FILTER (WHERE NOT COALESCE(a.offline, false) AND COALESCE(a.faulty, false))::int AS faulty,
             count(*) FILTER (WHERE COALESCE(a.offline, false))::int AS offline
           FROM devices d JOIN tenants t ON t.id = d.tenant_id LEFT JOIN a ON a.device_id = d.id
           WHERE ${POSITIONED} AND ($1::text[] IS NULL OR d.tenant_id = ANY($1::text[]))
           GROUP BY d.tenant_id, t.name ORDER BY d.tenant_id`,
          [tenants],
        );
        return rows.map((r) => ({ ...r, lat: round6(r.lat), lon: round6(r.lon) }));
      },
      COMMUNES_TTL_MS,
    );
  }

  /** The positioned devices of the tenants, up to `limit` (then `truncated`). */
  async devices(tenants: readonly string[], limit = MAP_DEVICES_LIMIT): Promise<{ devices: MapDevice[]; truncated: boolean }> {
    const { rows } = await this.db.query<MapDevice>(
      `${STATES}
       SELECT d.id, d.attributes ->> 'name' AS name, d.type, d.domain, (d.attributes ->> 'lat')::float8 AS lat, (d.attributes ->> 'lon')::float8 AS lon,
         CASE WHEN COALESCE(a.offline, false) THEN 'offline' WHEN COALESCE(a.faulty, false) THEN 'faulty' ELSE 'ok' END AS state
       FROM devices d LEFT JOIN a ON a.device_id = d.id
       WHERE ${POSITIONED} AND d.tenant_id = ANY($1::text[])
       ORDER BY d.id LIMIT $2`,
      [tenants, limit + 1],
    );
    return { devices: rows.slice(0, limit), truncated: rows.length > limit };
  }
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
