import { Controller } from '@nestjs/common';
import { deviceIdSchema } from '@hv/contracts';
import { lightingProgramSchema, placeOf, preview } from '@hv/lighting';
import { DeviceRepository, TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { requirePathTenant } from '../auth/path-tenant';
import { NotFoundError, RequestValidationError } from '../http/api.errors';
import { instant, tenantParams } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { TelegestionLink } from '../commands/telegestion-link';
import { ProgramCatalogueRepository } from './program-catalogue.repository';

/** A preview covers at most this long, ms (a week of nights: each night is a handful of transitions). */
const MAX_PREVIEW_MS = 8 * 86_400_000;
const programId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'program id must be lowercase letters, digits and dashes');
const programParams = z.object({ tenant: tenantParams.shape.tenant, program: programId });

export const listPrograms = defineRoute({ method: 'GET', path: 'tenants/:tenant/programs', summary: 'A tenant\'s lighting programs and what follows each', tag: 'programs', access: 'tenant', params: tenantParams });

export const listGroups = defineRoute({ method: 'GET', path: 'tenants/:tenant/groups', summary: "A tenant's groups of devices (programs and commands name them), with their member counts", tag: 'programs', access: 'tenant', params: tenantParams });

export const getProgram = defineRoute({ method: 'GET', path: 'tenants/:tenant/programs/:program', summary: 'One lighting program', tag: 'programs', access: 'tenant', params: programParams });

export const saveProgram = defineRoute({
  method: 'PUT',
  path: 'tenants/:tenant/programs/:program',
  summary: 'Creates or replaces a lighting program (its id is the one in the path); luminaires that follow it change at once',
  tag: 'programs',
  access: 'tenant',
  params: programParams,
  body: lightingProgramSchema,
});

export const assignProgram = defineRoute({
  method: 'PUT',
  path: 'tenants/:tenant/program-assignments',
  summary: 'Makes a device, a cabinet, a group or the whole tenant follow a program (the most specific wins)',
  tag: 'programs',
  access: 'tenant',
  params: tenantParams,
  body: z.strictObject({ scope: z.enum(['tenant', 'group', 'cabinet', 'device']), scopeId: deviceIdSchema.or(tenantParams.shape.tenant), programId }),
});

export const previewProgram = defineRoute({
  method: 'POST',
  path: 'tenants/:tenant/programs/preview',
  summary: 'What a program (stored, or sent unsaved) does between two instants: every change of level, from the code that drives the luminaires',
  tag: 'programs',
  access: 'tenant',
  params: tenantParams,
  body: z.strictObject({
    programId: programId.optional(),
    program: lightingProgramSchema.optional(),
    from: instant,
    to: instant,
    /** Where the sun is computed; the centre of the Aisne by default. */
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  }).refine((b) => (b.lat === undefined) === (b.lon === undefined), { path: ['lon'], message: 'lat and lon go together (one alone was ignored)' }),
});

@Controller()
export class ProgramsController {
  constructor(
    private readonly catalogue: ProgramCatalogueRepository,
    private readonly tenants: TenantRepository,
    private readonly devices: DeviceRepository,
    private readonly telegestion: TelegestionLink,
  ) {}

  @ApiRoute(listPrograms)
  async list(@Input() input: RouteInput<typeof listPrograms>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    const [programs, assignments] = await Promise.all([this.catalogue.list(tenant), this.catalogue.assignments(tenant)]);
    return { programs: programs.map((p) => ({ ...p.program, updatedAt: p.updatedAt })), assignments };
  }

  @ApiRoute(listGroups)
  async groups(@Input() input: RouteInput<typeof listGroups>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    return { groups: await this.catalogue.programs.listGroups(tenant) };
  }

  @ApiRoute(getProgram)
  async get(@Input() input: RouteInput<typeof getProgram>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    const stored = await this.catalogue.get(tenant, input.params.program);
    if (!stored) throw new NotFoundError(`program ${input.params.program} of tenant ${tenant}`);
    return { ...stored.program, updatedAt: stored.updatedAt };
  }

  @ApiRoute(saveProgram)
  async save(@Input() input: RouteInput<typeof saveProgram>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    if (input.body.id !== input.params.program) throw new RequestValidationError([{ field: 'body.id', message: `must be the program id of the path (${input.params.program})` }]);
    const program = await this.catalogue.programs.saveProgram(tenant, input.body);
    await this.telegestion.programsChanged();
    return program;
  }

  @ApiRoute(assignProgram)
  async assign(@Input() input: RouteInput<typeof assignProgram>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    const { scope, scopeId, programId: id } = input.body;
    const bad = (field: string, message: string) => new RequestValidationError([{ field: `body.${field}`, message }]);
    if (!(await this.catalogue.get(tenant, id))) throw bad('programId', `tenant ${tenant} has no program ${id}`);
    if (scope === 'tenant' && scopeId !== tenant) throw bad('scopeId', `a tenant assignment names the tenant itself (${tenant})`);
    if (scope === 'device' || scope === 'cabinet') {
      const device = await this.devices.findById(scopeId);
      if (!device || device.tenant !== tenant) throw bad('scopeId', `tenant ${tenant} has no ${scope} ${scopeId}`);
    }
    if (scope === 'group' && !(await this.catalogue.groupExists(tenant, scopeId))) throw bad('scopeId', `tenant ${tenant} has no group ${scopeId}`);
    await this.catalogue.programs.assign({ tenant, scope, scopeId, programId: id });
    await this.telegestion.programsChanged();
    return { tenant, scope, scopeId, programId: id };
  }

  @ApiRoute(previewProgram)
  async preview(@Input() input: RouteInput<typeof previewProgram>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    const { programId: id, from, to, lat, lon } = input.body;
    if ((id === undefined) === (input.body.program === undefined)) throw new RequestValidationError([{ field: 'body.programId', message: 'give either programId (a stored program) or program (an unsaved one)' }]);
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (fromMs >= toMs) throw new RequestValidationError([{ field: 'body.from', message: 'must be before to' }]);
    if (toMs - fromMs > MAX_PREVIEW_MS) throw new RequestValidationError([{ field: 'body.to', message: 'a preview covers at most 8 days' }]);
    let program = input.body.program;
    if (id !== undefined) {
      program = (await this.catalogue.get(tenant, id))?.program;
      if (!program) throw new NotFoundError(`program ${id} of tenant ${tenant}`);
    }
    const place = placeOf({ attributes: lat !== undefined && lon !== undefined ? { lat, lon } : {} });
    const transitions = preview(program!, fromMs, toMs, { place });
    return { program: program!.id, place, transitions: transitions.map((t) => ({ ...t, at: new Date(t.at).toISOString() })) };
  }
}
