import { Injectable } from '@nestjs/common';
import { parseProgram, type LightingProgram, type LightingProgramInput } from '@hv/lighting';
import { Database, UnknownTenantError } from '@hv/state';

export type AssignmentScope = 'tenant' | 'group' | 'cabinet' | 'device';

export interface ProgramAssignment {
  tenant: string;
  scope: AssignmentScope;
  scopeId: string;
  programId: string;
}

/** Lighting programs, device groups and which program each scope follows (PostgreSQL). */
@Injectable()
export class ProgramRepository {
  constructor(private readonly db: Database) {}

  /** Validates (ProgramError names every bad field) and stores a tenant's program. */
  async saveProgram(tenant: string, input: LightingProgramInput | unknown): Promise<LightingProgram> {
    const program = parseProgram(input);
    try {
      await this.db.query(
        `INSERT INTO lighting_programs (tenant_id, id, body) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
        [tenant, program.id, JSON.stringify(program)],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23503') throw new UnknownTenantError([tenant]);
      throw error;
    }
    return program;
  }

  async assign(a: ProgramAssignment): Promise<void> {
    await this.db.query(
      `INSERT INTO program_assignments (tenant_id, scope, scope_id, program_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, scope, scope_id) DO UPDATE SET program_id = EXCLUDED.program_id, updated_at = now()`,
      [a.tenant, a.scope, a.scopeId, a.programId],
    );
  }

  /** Creates or replaces a group and its members. */
  async saveGroup(tenant: string, id: string, name: string, devices: readonly string[]): Promise<void> {
    await this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO device_groups (tenant_id, id, name) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name`,
        [tenant, id, name],
      );
      await tx.query('DELETE FROM device_group_members WHERE tenant_id = $1 AND group_id = $2', [tenant, id]);
      await tx.query(
        `INSERT INTO device_group_members (tenant_id, group_id, device_id) SELECT $1, $2, d FROM unnest($3::text[]) AS d`,
        [tenant, id, devices],
      );
    });
  }

  /** The tenant's groups with their member counts. */
  async listGroups(tenant: string): Promise<Array<{ id: string; name: string; devices: number }>> {
    const { rows } = await this.db.query<{ id: string; name: string; devices: number }>(
      `SELECT g.id, g.name, count(m.device_id)::int AS devices FROM device_groups g
       LEFT JOIN device_group_members m ON m.tenant_id = g.tenant_id AND m.group_id = g.id
       WHERE g.tenant_id = $1 GROUP BY g.id, g.name ORDER BY g.id`,
      [tenant],
    );
    return rows;
  }

  async groupMembers(tenant: string, group: string): Promise<string[]> {
    const { rows } = await this.db.query<{ device: string }>(
      'SELECT device_id AS device FROM device_group_members WHERE tenant_id = $1 AND group_id = $2 ORDER BY device_id',
      [tenant, group],
    );
    return rows.map((r) => r.device);
  }

  /** Everything the program directory holds in memory. */
  async loadAll(): Promise<{ programs: Array<{ tenant: string; program: LightingProgram }>; assignments: ProgramAssignment[]; memberships: Array<{ device: string; group: string }> }> {
    const [programs, assignments, memberships] = await Promise.all([
      this.db.query<{ tenant: string; body: unknown }>('SELECT tenant_id AS tenant, body FROM lighting_programs'),
      this.db.query<ProgramAssignment>('SELECT tenant_id AS tenant, scope, scope_id AS "scopeId", program_id AS "programId" FROM program_assignments'),
      this.db.query<{ device: string; group: string }>('SELECT device_id AS device, group_id AS "group" FROM device_group_members ORDER BY group_id'),
    ]);
    // Stored bodies were validated on the way in; parsing again applies defaults added since.
    return {
      programs: programs.rows.map((r) => ({ tenant: r.tenant, program: parseProgram(r.body) })),
      assignments: assignments.rows,
      memberships: memberships.rows,
    };
  }
}
