import { Injectable } from '@nestjs/common';
import { DOMAINS, type Domain } from '@hv/contracts';
import { Database } from '@hv/state';
import type { KpiGrouping } from './territory';

/** One group's connected objects of one domain, by state. `registered` = ok + faulty + offline. */
export interface ConnectedObjects {
  /** The commune, its EPCI (a commune without one stands alone) or the département. */
  tenant: string;
  domain: Domain;
  registered: number;
  /** Active, no open fault. */
  ok: number;
  /** An open fault alarm (a suppressed one too: the lamp is dark all the same), not silent. */
  faulty: number;
  /** An open communication-loss alarm: nothing heard for several expected periods. */
  offline: number;
  retired: number;
}

/**
 * The CDN's first indicator, "nombre d'objets connectés", from PostgreSQL alone: the
 * registry and the open alarms telegestion keeps (communication loss decides offline).
 * Each device is in exactly one state, so the states add up to the registered count.
 */
@Injectable()
export class ConnectedObjectsRepository {
  constructor(private readonly db: Database) {}

  /** Cost: one scan of the tenants' devices and of the open alarms (PostgreSQL). */
  async count(tenants: readonly string[] | null, by: KpiGrouping): Promise<ConnectedObjects[]> {
    const { rows } = await this.db.query<ConnectedObjects>(
      `WITH d AS (
         SELECT d.id, d.domain, d.retired_at,
           CASE $2::text
             WHEN 'commune' THEN d.tenant_id
             WHEN 'epci' THEN CASE WHEN p.kind = 'epci' THEN p.id ELSE d.tenant_id END
             ELSE COALESCE(t.departement, t.id)
           END AS grp
         FROM devices d JOIN tenants t ON t.id = d.tenant_id LEFT JOIN tenants p ON p.id = t.parent_id
         WHERE $1::text[] IS NULL OR d.tenant_id = ANY($1::text[])
       ), a AS (
         SELECT device_id, bool_or(type = 'communication_loss') AS offline, bool_or(kind = 'fault' AND type <> 'communication_loss') AS faulty
         FROM alarms WHERE state <> 'cleared' GROUP BY device_id
       )
       SELECT grp AS tenant, domain,
         count(*) FILTER (WHERE retired_at IS NULL)::int AS registered,
         count(*) FILTER (WHERE retired_at IS NULL AND NOT COALESCE(a.offline, false) AND NOT COALESCE(a.faulty, false))::int AS ok,
         count(*) FILTER (WHERE retired_at IS NULL AND NOT COALESCE(a.offline, false) AND COALESCE(a.faulty, false))::int AS faulty,
         count(*) FILTER (WHERE retired_at IS NULL AND COALESCE(a.offline, false))::int AS offline,
         count(*) FILTER (WHERE retired_at IS NOT NULL)::int AS retired
       FROM d LEFT JOIN a ON a.device_id = d.id
       GROUP BY grp, domain ORDER BY grp, domain`,
      [tenants, by],
    );
    return rows;
  }
}

/** Connected objects summed per domain (the `tenant` of the parts is dropped). */
export function totalsByDomain(groups: readonly ConnectedObjects[]): Array<Omit<ConnectedObjects, 'tenant'>> {
  const out = new Map<Domain, Omit<ConnectedObjects, 'tenant'>>();
  for (const g of groups) {
    const t = out.get(g.domain) ?? { domain: g.domain, registered: 0, ok: 0, faulty: 0, offline: 0, retired: 0 };
    t.registered += g.registered;
    t.ok += g.ok;
    t.faulty += g.faulty;
    t.offline += g.offline;
    t.retired += g.retired;
    out.set(g.domain, t);
  }
  return DOMAINS.filter((d) => out.has(d)).map((d) => out.get(d)!);
}
