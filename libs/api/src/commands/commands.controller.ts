import { Controller } from '@nestjs/common';
import { commandIdSchema, deviceIdSchema, DOMAINS, tenantIdSchema } from '@hv/contracts';
import { Database, DeviceRepository } from '@hv/state';
import { CommandRepository, type CommandRecord, type CommandRequest } from '@hv/telegestion';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ForbiddenError, NotFoundError } from '../http/api.errors';
import { ProgramCatalogueRepository } from '../programs/program-catalogue.repository';
import { instant } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { TelegestionLink } from './telegestion-link';

/** Devices one request may list by id (a group or a tenant addresses more). */
const MAX_LISTED_DEVICES = 1_000;
/** Furthest expiry of a command, ms ahead (a year and a day). */
const MAX_EXPIRY_MS = 366 * 86_400_000;
const groupId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'group id must match [a-z0-9][a-z0-9._-]{0,63}');

export const sendCommand = defineRoute({
  method: 'POST',
  path: 'commands',
  summary: 'Sends a command (a lighting override: level, ramp, expiry) to a device, a list of devices or a group; follow it with the batch',
  tag: 'commands',
  access: 'tenant',
  status: 202,
  body: z.strictObject({
    domain: z.enum(DOMAINS).default('lighting'),
    target: z.union([
      z.strictObject({ device: deviceIdSchema }),
      z.strictObject({ devices: z.array(deviceIdSchema).min(1).max(MAX_LISTED_DEVICES) }),
      z.strictObject({ tenant: tenantIdSchema, group: groupId }),
    ]),
    command: z.union([
      z.strictObject({
        level_pct: z.number().int().min(0).max(100),
        ramp_s: z.number().min(0).max(3_600).optional(),
        reason: z.enum(['override', 'manual']).default('override'),
      }),
      z.strictObject({ action: z.enum(['reboot', 'sync_time', 'set_interval']), interval_s: z.number().int().min(10).max(86_400).optional() }),
    ]),
    /** An override ends here: the device returns to its program. Already past, it would never apply. */
    expires_at: instant
      .refine((s) => !(Date.parse(s) <= Date.now()), 'must be in the future')
      .refine((s) => !(Date.parse(s) > Date.now() + MAX_EXPIRY_MS), 'must be within 366 days: a longer override is a program')
      .optional(),
  }),
});

export const getCommand = defineRoute({
  method: 'GET',
  path: 'commands/:command',
  summary: 'One device\'s command and its status (queued, sent, acknowledged with the reported state, failed, expired)',
  tag: 'commands',
  access: 'tenant',
  params: z.object({ command: commandIdSchema }),
});

export const deviceCommands = defineRoute({
  method: 'GET',
  path: 'devices/:device/commands',
  summary: "A device's latest commands, newest first, with their status",
  tag: 'commands',
  access: 'tenant',
  params: z.object({ device: deviceIdSchema }),
  query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
});

export const getCommandBatch = defineRoute({
  method: 'GET',
  path: 'command-batches/:batch',
  summary: 'A request\'s commands, counted by status',
  tag: 'commands',
  access: 'tenant',
  params: z.object({ batch: commandIdSchema }),
});

@Controller()
export class CommandsController {
  private readonly commands: CommandRepository;

  constructor(
    db: Database,
    private readonly devices: DeviceRepository,
    private readonly telegestion: TelegestionLink,
    private readonly programs: ProgramCatalogueRepository,
  ) {
    this.commands = new CommandRepository(db);
  }

  @ApiRoute(sendCommand)
  async send(@Input() input: RouteInput<typeof sendCommand>, @CurrentCaller() caller: Caller) {
    const { domain, target, command, expires_at } = input.body;
    const service = this.telegestion.require();
    let resolved: CommandRequest['target'];
    if ('group' in target) {
      caller.scope.requireTenant(target.tenant);
      // A group of the tenant could hold another tenant's device: the key must see them all.
      const outside = (await this.programs.groupMemberTenants(target.tenant, target.group)).filter((t) => !caller.scope.includes(t));
      if (outside.length) throw new ForbiddenError(`group ${target.group} holds devices of tenants outside this key's scope`);
      resolved = { tenant: target.tenant, group: target.group };
    } else {
      const ids = 'device' in target ? [target.device] : [...new Set(target.devices)];
      for (const id of ids) caller.scope.requireVisible(await this.devices.findById(id), `device ${id}`);
      resolved = { devices: ids };
    }
    const { batchId, commands } = await service.sendCommand({
      domain,
      target: resolved,
      body: command,
      ...(expires_at !== undefined ? { expiresAt: Date.parse(expires_at) } : {}),
      createdBy: caller.label,
    });
    return { batchId, devices: commands.length, commands: commands.map(view) };
  }

  @ApiRoute(deviceCommands)
  async ofDevice(@Input() input: RouteInput<typeof deviceCommands>, @CurrentCaller() caller: Caller) {
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), `device ${input.params.device}`);
    return { commands: (await this.commands.byDevice(device.id, input.query.limit)).map(view) };
  }

  @ApiRoute(getCommand)
  async get(@Input() input: RouteInput<typeof getCommand>, @CurrentCaller() caller: Caller) {
    return view(caller.scope.requireVisible(await this.commands.get(input.params.command), `command ${input.params.command}`));
  }

  @ApiRoute(getCommandBatch)
  async batch(@Input() input: RouteInput<typeof getCommandBatch>, @CurrentCaller() caller: Caller) {
    const commands = await this.commands.byBatch(input.params.batch);
    // A batch is shown only to a key that sees every device in it (a tenant-wide batch has one tenant).
    if (commands.length === 0 || !commands.every((c) => caller.scope.includes(c.tenant))) throw new NotFoundError(`command batch ${input.params.batch}`);
    const byStatus: Record<string, number> = { queued: 0, sent: 0, acknowledged: 0, failed: 0, expired: 0 };
    for (const c of commands) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    return { batchId: input.params.batch, devices: commands.length, byStatus, commands: commands.map(view) };
  }
}

/** A command as the API shows it: instants as ISO strings. */
function view(c: CommandRecord) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    cmdId: c.cmdId,
    batchId: c.batchId,
    tenant: c.tenant,
    device: c.device,
    domain: c.domain,
    body: c.body,
    reason: c.reason,
    status: c.status,
    attempts: c.attempts,
    createdAt: iso(c.createdAt),
    sentAt: iso(c.sentAt),
    ackedAt: iso(c.ackedAt),
    expiresAt: iso(c.expiresAt),
    ackStatus: c.ackStatus,
    reported: c.reported,
    error: c.error,
  };
}
