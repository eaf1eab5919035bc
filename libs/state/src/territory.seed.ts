import type { Database } from './database';
import { loadTerritory } from './territory';
import type { TenantKind } from './tenant.repository';

export interface SeedCounts {
  departements: number;
  epcis: number;
  communes: number;
  /** Rows inserted or changed by this run: 0 when the registry already matched the data. */
  written: number;
}

interface TenantRow {
  id: string;
  kind: TenantKind;
  name: string;
  parentId: string | null;
  population: number | null;
}

/**
 * Register every collectivité of the département as a tenant: the département, its EPCIs
 * (parent: the département) and its communes (parent: their EPCI, or the département for a
 * commune in none). Idempotent: a second run writes nothing; a new millésime updates names,
 * populations and EPCI membership in place. Tenants that left the data (merged communes) are
 * kept, since devices and history may still point at them.
 */
export async function seedTerritory(db: Database, departement = '02'): Promise<SeedCounts> {
  const territory = loadTerritory(departement);
  const dep = territory.departement.id;
  const rows: TenantRow[] = [
    { id: dep, kind: 'departement', name: territory.departement.name, parentId: null, population: null },
    ...territory.epcis.map((e) => ({ id: e.id, kind: 'epci' as const, name: e.name, parentId: dep, population: null })),
    ...territory.communes.map((c) => ({
      id: c.id,
      kind: 'commune' as const,
      name: c.name,
      parentId: c.epci ?? dep,
      population: c.population,
    })),
  ];
  const written = await db.tx(async (tx) => {
    // One statement for all ≈ 800 rows; foreign keys are checked at its end, so a commune
    // may precede its EPCI in the arrays.
    const result = await tx.query(
      `INSERT INTO tenants (id, kind, name, parent_id, departement, population)
       SELECT id, kind, name, parent_id, $5, population
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::int[])
           AS t (id, kind, name, parent_id, population)
       ON CONFLICT (id) DO UPDATE
         SET kind = EXCLUDED.kind, name = EXCLUDED.name, parent_id = EXCLUDED.parent_id,
             departement = EXCLUDED.departement, population = EXCLUDED.population
       WHERE (tenants.kind, tenants.name, tenants.parent_id, tenants.departement, tenants.population)
             IS DISTINCT FROM
             (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.parent_id, EXCLUDED.departement, EXCLUDED.population)`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.kind),
        rows.map((r) => r.name),
        rows.map((r) => r.parentId),
        dep,
        rows.map((r) => r.population),
      ],
    );
    return result.rowCount ?? 0;
  });
  return { departements: 1, epcis: territory.epcis.length, communes: territory.communes.length, written };
}
