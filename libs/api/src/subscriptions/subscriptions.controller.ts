import { Controller, Inject } from '@nestjs/common';
import { DOMAINS } from '@hv/contracts';
import { DIGEST_PERIODS, SubscriptionRepository, WebhookAddressGuard } from '@hv/notifier';
import { TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { requirePathTenant } from '../auth/path-tenant';
import { NotFoundError, RequestValidationError } from '../http/api.errors';
import { API_OPTIONS, type ApiOptions } from '../api.options';
import { tenantParams } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';

const severity = z.enum(['info', 'minor', 'major', 'critical']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a Paris time HH:MM');
/** Paris wall-clock window (may cross midnight) in which alerts below critical wait. */
const quietHours = z.strictObject({ from: hhmm, to: hhmm }).refine((q) => q.from !== q.to, { message: 'from and to must differ', path: ['to'] });
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2_000);

export const listSubscriptions = defineRoute({
  method: 'GET',
  path: 'tenants/:tenant/subscriptions',
  summary: 'A tenant\'s alert subscriptions (webhooks, e-mail)',
  tag: 'alerts',
  access: 'tenant',
  params: tenantParams,
});

export const createSubscription = defineRoute({
  method: 'POST',
  path: 'tenants/:tenant/subscriptions',
  summary: 'Subscribes to the tenant\'s alarms (and those of the tenants below it) at or above a severity, in some domains, or by e-mail to a daily or weekly energy-savings digest; a webhook\'s signing secret is in this answer only',
  tag: 'alerts',
  access: 'tenant',
  status: 201,
  params: tenantParams,
  body: z.discriminatedUnion('channel', [
    z.strictObject({ channel: z.literal('webhook'), url: webhookUrl, minSeverity: severity.default('minor'), domains: z.array(z.enum(DOMAINS)).min(1).optional(), quietHours: quietHours.optional() }),
    z.strictObject({
      channel: z.literal('email'),
      address: z.email({ error: 'must be an e-mail address' }).max(320),
      minSeverity: severity.default('minor'),
      domains: z.array(z.enum(DOMAINS)).min(1).optional(),
      quietHours: quietHours.optional(),
      /** The energy-savings digest (findings of its tenants, totals, trend) every day or every Monday, instead of each alert; null by default: each alert as it is raised. */
      digest: z.enum(DIGEST_PERIODS).nullable().default(null),
    }),
  ]),
});

export const disableSubscription = defineRoute({
  method: 'DELETE',
  path: 'subscriptions/:subscription',
  summary: 'Ends a subscription; its pending deliveries are dropped',
  tag: 'alerts',
  access: 'tenant',
  params: z.object({ subscription: z.coerce.number().int().positive().max(2 ** 53 - 1) }),
});

@Controller()
export class SubscriptionsController {
  private readonly addresses: WebhookAddressGuard;

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly tenants: TenantRepository,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.addresses = new WebhookAddressGuard({ allowPrivate: options.webhookAllowPrivate });
  }

  @ApiRoute(listSubscriptions)
  async list(@Input() input: RouteInput<typeof listSubscriptions>, @CurrentCaller() caller: Caller) {
    await requirePathTenant(this.tenants, caller, input.params.tenant);
    return { subscriptions: await this.subscriptions.list(input.params.tenant) };
  }

  @ApiRoute(createSubscription)
  async create(@Input() input: RouteInput<typeof createSubscription>, @CurrentCaller() caller: Caller) {
    await requirePathTenant(this.tenants, caller, input.params.tenant);
    const b = input.body;
    // Early feedback only (the name resolved now): the notifier judges every address it connects to.
    const problem = b.channel === 'webhook' ? await this.addresses.urlProblem(b.url) : null;
    if (problem) throw new RequestValidationError([{ field: 'body.url', message: `must not reach a loopback, private or reserved address: ${problem}` }]);
    const created = await this.subscriptions.create({
      tenant: input.params.tenant,
      channel: b.channel,
      target: b.channel === 'webhook' ? b.url : b.address,
      minSeverity: b.minSeverity,
      domains: b.domains ?? null,
      quietHours: b.quietHours ?? null,
      digest: b.channel === 'email' ? b.digest : null,
      createdBy: caller.label,
    });
    return created.secret ? { ...created, notice: 'the signing secret is shown only in this answer: store it now' } : created;
  }

  @ApiRoute(disableSubscription)
  async disable(@Input() input: RouteInput<typeof disableSubscription>, @CurrentCaller() caller: Caller) {
    const what = `subscription ${input.params.subscription}`;
    const sub = caller.scope.requireVisible(await this.subscriptions.get(input.params.subscription), what);
    const disabled = await this.subscriptions.disable(sub.id);
    if (!disabled) throw new NotFoundError(`active ${what}`);
    return disabled;
  }
}
