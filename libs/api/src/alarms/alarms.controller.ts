import { Controller } from '@nestjs/common';
import { deviceIdSchema, DOMAINS, tenantIdSchema } from '@hv/contracts';
import { SEVERITIES } from '@hv/rules';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ConflictError, RequestValidationError } from '../http/api.errors';
import { instant, pageQuery, queryBoolean } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { AlarmQueryRepository } from './alarm-query.repository';

const alarmParams = z.object({ alarm: z.coerce.number().int().positive().max(2 ** 53 - 1) });
/** A person's note, kept in the alarm's history. */
const comment = z.string().trim().min(1).max(2000);
const withComment = z.strictObject({ comment: comment.optional() }).optional();

export const listAlarms = defineRoute({
  method: 'GET',
  path: 'alarms',
  summary: 'Alarms and findings of the tenants the key sees, newest first; with state=cleared or from/to, the history',
  tag: 'alarms',
  access: 'tenant',
  query: z.object({
    tenant: tenantIdSchema.optional(),
    device: deviceIdSchema.optional(),
    state: z.enum(['open', 'active', 'acknowledged', 'cleared']).optional(),
    type: z.string().regex(/^[a-z0-9_]{1,64}$/, 'alarm types are snake_case').optional(),
    kind: z.enum(['fault', 'finding', 'threshold', 'usage']).optional(),
    severity: z.enum(SEVERITIES as unknown as [string, ...string[]]).optional(),
    domain: z.enum(DOMAINS).optional(),
    /** Who handles it, as assigned; `-` for the alarms nobody handles. */
    assignee: z.string().trim().min(1).max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    includeSuppressed: queryBoolean,
    ...pageQuery,
  }),
});

export const getAlarm = defineRoute({ method: 'GET', path: 'alarms/:alarm', summary: 'An alarm, with the alarms it explains and its history', tag: 'alarms', access: 'tenant', params: alarmParams });

export const commentAlarm = defineRoute({
  method: 'POST',
  path: 'alarms/:alarm/comments',
  summary: "Adds a comment to an alarm's history (cleared ones too)",
  tag: 'alarms',
  access: 'tenant',
  status: 201,
  params: alarmParams,
  body: z.strictObject({ comment }),
});

export const acknowledgeAlarm = defineRoute({
  method: 'POST',
  path: 'alarms/:alarm/acknowledge',
  summary: 'Acknowledges an active alarm (active → acknowledged), with an optional comment',
  tag: 'alarms',
  access: 'tenant',
  params: alarmParams,
  body: withComment,
});

export const assignAlarm = defineRoute({
  method: 'POST',
  path: 'alarms/:alarm/assign',
  summary: 'Assigns an alarm to someone (null: unassigns)',
  tag: 'alarms',
  access: 'tenant',
  params: alarmParams,
  body: z.strictObject({ assignee: z.string().trim().min(1).max(200).nullable(), comment: comment.optional() }),
});

export const clearAlarm = defineRoute({
  method: 'POST',
  path: 'alarms/:alarm/clear',
  summary: 'Clears an open alarm by hand (the repair is done), with an optional comment',
  tag: 'alarms',
  access: 'tenant',
  params: alarmParams,
  body: withComment,
});

@Controller()
export class AlarmsController {
  constructor(private readonly alarms: AlarmQueryRepository) {}

  @ApiRoute(listAlarms)
  async list(@Input() input: RouteInput<typeof listAlarms>, @CurrentCaller() caller: Caller) {
    const { tenant, from, to, limit, offset, ...rest } = input.query;
    const fromMs = from === undefined ? undefined : Date.parse(from);
    const toMs = to === undefined ? undefined : Date.parse(to);
    if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) throw new RequestValidationError([{ field: 'query.from', message: 'must be before to' }]);
    const page = await this.alarms.list({ ...rest, tenants: caller.scope.narrow(tenant), fromMs, toMs, limit, offset });
    return { ...page, limit, offset };
  }

  @ApiRoute(getAlarm)
  async get(@Input() input: RouteInput<typeof getAlarm>, @CurrentCaller() caller: Caller) {
    const alarm = caller.scope.requireVisible(await this.alarms.get(input.params.alarm), `alarm ${input.params.alarm}`);
    return { ...alarm, explains: await this.alarms.children(alarm.id), history: await this.alarms.history(alarm.id) };
  }

  @ApiRoute(acknowledgeAlarm)
  async acknowledge(@Input() input: RouteInput<typeof acknowledgeAlarm>, @CurrentCaller() caller: Caller) {
    const alarm = await this.visible(input.params.alarm, caller);
    const done = await this.alarms.acknowledge(alarm.id, caller.label, input.body?.comment);
    if (!done) throw new ConflictError(`alarm ${alarm.id} is ${(await this.alarms.get(alarm.id))?.state ?? alarm.state}, only an active alarm can be acknowledged`);
    return done;
  }

  @ApiRoute(assignAlarm)
  async assign(@Input() input: RouteInput<typeof assignAlarm>, @CurrentCaller() caller: Caller) {
    const alarm = await this.visible(input.params.alarm, caller);
    return (await this.alarms.assign(alarm.id, input.body.assignee, caller.label, input.body.comment))!;
  }

  @ApiRoute(commentAlarm)
  async comment(@Input() input: RouteInput<typeof commentAlarm>, @CurrentCaller() caller: Caller) {
    const alarm = await this.visible(input.params.alarm, caller);
    await this.alarms.comment(alarm.id, caller.label, input.body.comment);
    return { history: await this.alarms.history(alarm.id) };
  }

  @ApiRoute(clearAlarm)
  async clear(@Input() input: RouteInput<typeof clearAlarm>, @CurrentCaller() caller: Caller) {
    const alarm = await this.visible(input.params.alarm, caller);
    const done = await this.alarms.clear(alarm.id, caller.label, input.body?.comment);
    if (!done) throw new ConflictError(`alarm ${alarm.id} is already cleared`);
    return done;
  }

  private async visible(id: number, caller: Caller) {
    return caller.scope.requireVisible(await this.alarms.get(id), `alarm ${id}`);
  }
}
