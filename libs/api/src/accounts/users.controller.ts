import { Controller } from '@nestjs/common';
import { tenantIdSchema } from '@hv/contracts';
import { API_ROLES, TenantRepository, UserRepository, type User } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/api.errors';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { checkRoleTenant } from '../keys/keys.controller';
import { AccountsService } from './accounts.service';

const userIdParams = z.object({ user: z.string().regex(/^[a-z2-7]{16}$/, 'user id must be 16 characters a-z, 2-7') });
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address');

export const createUser = defineRoute({
  method: 'POST',
  path: 'users',
  summary: "Creates a person's account and e-mails the invitation (the person chooses the password)",
  tag: 'accounts',
  access: 'admin',
  status: 201,
  body: z.strictObject({
    email,
    name: z.string().trim().min(1).max(100),
    role: z.enum(API_ROLES),
    /** The collectivité of an epci or commune account (SIREN or INSEE code). */
    tenant: tenantIdSchema.optional(),
  }),
});

export const listUsers = defineRoute({ method: 'GET', path: 'users', summary: 'The accounts the caller administers', tag: 'accounts', access: 'admin' });
export const getUser = defineRoute({ method: 'GET', path: 'users/:user', summary: 'One account', tag: 'accounts', access: 'admin', params: userIdParams });
export const reinvite = defineRoute({
  method: 'POST',
  path: 'users/:user/invitation',
  summary: 'E-mails a new invitation to an account that has no password yet (the earlier link stops working)',
  tag: 'accounts',
  access: 'admin',
  params: userIdParams,
});
export const disableUser = defineRoute({ method: 'POST', path: 'users/:user/disable', summary: 'Disables an account: its sessions end at once', tag: 'accounts', access: 'admin', params: userIdParams });
export const enableUser = defineRoute({ method: 'POST', path: 'users/:user/enable', summary: 'Enables a disabled account again', tag: 'accounts', access: 'admin', params: userIdParams });

/** An account as its administrators see it. */
function listed(user: User) {
  const { id, email, name, role, tenant, createdBy, createdAt, hasPassword, lastLoginAt, disabledAt } = user;
  return { id, email, name, role, tenant, createdBy, createdAt, state: disabledAt ? 'disabled' : hasPassword ? 'active' : 'invited', lastLoginAt, disabledAt };
}

/**
 * People's accounts. Operators administer everyone; an EPCI administers the accounts of
 * itself and of its member communes, and may create only those (the scope a key of the
 * same role would have): never an operator, the CDN or open data.
 */
@Controller()
export class UsersController {
  constructor(
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly accounts: AccountsService,
  ) {}

  @ApiRoute(createUser)
  async create(@Input() input: RouteInput<typeof createUser>, @CurrentCaller() caller: Caller) {
    const { email, name, role, tenant } = input.body;
    await checkRoleTenant(this.tenants, role, tenant, 'account');
    if (caller.principal.role !== 'operator' && !(tenant !== undefined && caller.scope.includes(tenant))) {
      throw new ForbiddenError(`an ${caller.principal.role} may create accounts of its own collectivité and its communes only (epci or commune, with their tenant)`);
    }
    const user = await this.users.create({ email, name, role, tenant: tenant ?? null, createdBy: caller.label });
    const invitation = await this.accounts.invite(user, caller.principal.name);
    return { ...listed(user), invitation };
  }

  @ApiRoute(listUsers)
  async list(@CurrentCaller() caller: Caller) {
    const users = await this.users.list(caller.principal.role === 'operator' ? undefined : (caller.scope.tenants() ?? []));
    return { users: users.map(listed) };
  }

  @ApiRoute(getUser)
  async get(@Input() input: RouteInput<typeof getUser>, @CurrentCaller() caller: Caller) {
    return listed(await this.administered(input.params.user, caller));
  }

  @ApiRoute(reinvite)
  async reinvite(@Input() input: RouteInput<typeof reinvite>, @CurrentCaller() caller: Caller) {
    const user = await this.administered(input.params.user, caller);
    if (user.disabledAt) throw new ConflictError('this account is disabled: enable it first');
    if (user.hasPassword) throw new ConflictError('this account has a password already: its owner can reset it from the login page');
    return { ...listed(user), invitation: await this.accounts.invite(user, caller.principal.name) };
  }

  @ApiRoute(disableUser)
  async disable(@Input() input: RouteInput<typeof disableUser>, @CurrentCaller() caller: Caller) {
    const user = await this.administered(input.params.user, caller);
    if (caller.principal.kind === 'user' && caller.principal.id === user.id) throw new ConflictError('an account cannot disable itself');
    return listed((await this.users.setDisabled(user.id, true))!);
  }

  @ApiRoute(enableUser)
  async enable(@Input() input: RouteInput<typeof enableUser>, @CurrentCaller() caller: Caller) {
    const user = await this.administered(input.params.user, caller);
    return listed((await this.users.setDisabled(user.id, false))!);
  }

  /** The account, if the caller administers it; 404 otherwise (as if it did not exist). */
  private async administered(id: string, caller: Caller): Promise<User> {
    const user = await this.users.findById(id);
    const mine = user && (caller.principal.role === 'operator' || (user.tenant !== null && caller.scope.includes(user.tenant)));
    if (!user || !mine) throw new NotFoundError(`user ${id}`);
    return user;
  }
}
