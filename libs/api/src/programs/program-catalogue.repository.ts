import { Injectable } from '@nestjs/common';
import { parseProgram, type LightingProgram } from '@hv/lighting';
import { Database } from '@hv/state';
import { ProgramRepository, type ProgramAssignment } from '@hv/telegestion';

export interface StoredProgram {
  program: LightingProgram;
  updatedAt: Date;
}

/** A tenant's lighting programs and assignments as the API reads them; writes go through telegestion's ProgramRepository. */
@Injectable()
export class ProgramCatalogueRepository {
  readonly programs: ProgramRepository;

  constructor(private readonly db: Database) {
    this.programs = new ProgramRepository(db);
  }

  async list(tenant: string): Promise<StoredProgram[]> {
    const { rows } = await this.db.query<{ body: unknown; updatedAt: Date }>(
      'SELECT body, updated_at AS "updatedAt" FROM lighting_programs WHERE tenant_id = $1 ORDER BY id',
      [tenant],
    );
    return rows.map((r) => ({ program: parseProgram(r.body), updatedAt: r.updatedAt }));
  }

  async get(tenant: string, id: string): Promise<StoredProgram | undefined> {
    const { rows } = await this.db.query<{ body: unknown; updatedAt: Date }>(
      'SELECT body, updated_at AS "updatedAt" FROM lighting_programs WHERE tenant_id = $1 AND id = $2',
      [tenant, id],
    );
    return rows[0] && { program: parseProgram(rows[0].body), updatedAt: rows[0].updatedAt };
  }

  async assignments(tenant: string): Promise<ProgramAssignment[]> {
    const { rows } = await this.db.query<ProgramAssignment>(
      `SELECT tenant_id AS tenant, scope, scope_id AS "scopeId", program_id AS "programId" FROM program_assignments
        WHERE tenant_id = $1 ORDER BY scope, scope_id`,
      [tenant],
    );
    return rows;
  }

  async groupExists(tenant: string, group: string): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM device_groups WHERE tenant_id = $1 AND id = $2', [tenant, group]);
    return (rowCount ?? 0) > 0;
  }

  /** The tenants of a group's members (a group names devices by id; nothing ties them to its tenant). */
  async groupMemberTenants(tenant: string, group: string): Promise<string[]> {
    const { rows } = await this.db.query<{ tenant: string }>(
      `SELECT DISTINCT d.tenant_id AS tenant FROM device_group_members m JOIN devices d ON d.id = m.device_id
        WHERE m.tenant_id = $1 AND m.group_id = $2`,
      [tenant, group],
    );
    return rows.map((r) => r.tenant);
  }
}
