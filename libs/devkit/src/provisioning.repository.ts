import type { LightingProgram } from '@hv/lighting';
import { loadTerritory, type Database } from '@hv/state';

export interface ProgramAssignmentRow {
  tenant: string;
  scope: 'tenant' | 'group' | 'cabinet' | 'device';
  scopeId: string;
  programId: string;
}

/**
 * What provisioning writes on start (the demo on every `npm start`, the tests and the
 * benchmarks), each row inserted only when missing: `ON CONFLICT DO NOTHING`, never an
 * upsert, so a restart keeps whatever a user changed since (a program edited through the
 * API, a device following another program, a renamed tenant). The services' own
 * repositories upsert on purpose (a PUT replaces); provisioning must not.
 */
export class ProvisioningRepository {
  constructor(private readonly db: Database) {}

  /** The département's tenants (libs/state's territory data) that are not registered yet. Returns rows inserted. */
  async insertMissingTenants(departement: string): Promise<number> {
    const territory = loadTerritory(departement);
    const dep = territory.departement.id;
    const rows = [
      { id: dep, kind: 'departement', name: territory.departement.name, parentId: null as string | null, population: null as number | null },
      ...territory.epcis.map((e) => ({ id: e.id, kind: 'epci', name: e.name, parentId: dep, population: null })),
      ...territory.communes.map((c) => ({ id: c.id, kind: 'commune', name: c.name, parentId: c.epci ?? dep, population: c.population })),
    ];
    // One statement: a commune may precede its EPCI in the arrays, the foreign key is
    // checked at the statement's end.
    const result = await this.db.query(
      `INSERT INTO tenants (id, kind, name, parent_id, departement, population)
       SELECT id, kind, name, parent_id, $5, population
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::int[]) AS t (id, kind, name, parent_id, population)
       ON CONFLICT (id) DO NOTHING`,
      [rows.map((r) => r.id), rows.map((r) => r.kind), rows.map((r) => r.name), rows.map((r) => r.parentId), dep, rows.map((r) => r.population)],
    );
    return result.rowCount ?? 0;
  }

  /** A tenant's program, unless one with its id exists (validated by the caller: parseProgram). True when inserted. */
  async insertProgramIfMissing(tenant: string, program: LightingProgram): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO lighting_programs (tenant_id, id, body) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, id) DO NOTHING`,
      [tenant, program.id, JSON.stringify(program)],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Which program a scope follows, unless the scope already follows one. True when inserted. */
  async insertAssignmentIfMissing(a: ProgramAssignmentRow): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO program_assignments (tenant_id, scope, scope_id, program_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, scope, scope_id) DO NOTHING`,
      [a.tenant, a.scope, a.scopeId, a.programId],
    );
    return (rowCount ?? 0) > 0;
  }
}
