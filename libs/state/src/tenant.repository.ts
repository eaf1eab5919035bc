import { Injectable } from '@nestjs/common';
import { isTenantId } from '@hv/contracts';
import { Database } from './database';

export const TENANT_KINDS = ['departement', 'epci', 'commune'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

/** A collectivité: the département, an EPCI (SIREN) or a commune (INSEE code). */
export interface Tenant {
  id: string;
  kind: TenantKind;
  name: string;
  /** commune → its EPCI (or the département); EPCI → the département; département → null. */
  parentId: string | null;
  departement: string | null;
  population: number | null;
}

const COLUMNS = `id, kind, name, parent_id AS "parentId", departement, population`;

/** Tenants and the hierarchy that decides who sees whose data. */
@Injectable()
export class TenantRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Tenant | undefined> {
    if (!isTenantId(id)) return undefined;
    const { rows } = await this.db.query<Tenant>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Every tenant, or those of one kind, by id. */
  async list(kind?: TenantKind): Promise<Tenant[]> {
    const { rows } = await this.db.query<Tenant>(
      `SELECT ${COLUMNS} FROM tenants WHERE $1::text IS NULL OR kind = $1 ORDER BY id`,
      [kind ?? null],
    );
    return rows;
  }

  /** INSEE codes of an EPCI's member communes (empty for an unknown id or a non-EPCI). */
  async members(epciId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT c.id FROM tenants c JOIN tenants e ON e.id = c.parent_id
        WHERE e.id = $1 AND e.kind = 'epci' AND c.kind = 'commune' ORDER BY c.id`,
      [epciId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The tenants whose data `tenantId` may see (each tenant sees its own data, an
   * EPCI its member communes, the département all): the tenant and everything below it.
   * Empty for an unknown tenant, so that a typo grants nothing.
   */
  async visibleTenants(tenantId: string): Promise<string[]> {
    if (!isTenantId(tenantId)) return [];
    const { rows } = await this.db.query<{ id: string }>(
      `WITH RECURSIVE visible (id) AS (
         SELECT id FROM tenants WHERE id = $1
         UNION
         SELECT t.id FROM tenants t JOIN visible v ON t.parent_id = v.id
       )
       SELECT id FROM visible ORDER BY id`,
      [tenantId],
    );
    return rows.map((r) => r.id);
  }
}
