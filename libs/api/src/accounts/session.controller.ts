import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserRepository, type User, type UserSession } from '@hv/state';
import { z } from 'zod';
import { API_OPTIONS, type ApiOptions } from '../api.options';
import { SESSION } from '../auth/caller';
import { clearedSessionCookie, sessionCookie, sessionCookieOf } from '../auth/session-cookie';
import { UnauthenticatedError } from '../http/api.errors';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { AccountsService } from './accounts.service';

const token = z.string().min(1).max(200);
const password = z.string().min(1).max(1024);

export const login = defineRoute({
  method: 'POST',
  path: 'session',
  summary: 'Signs a person in: sets the session cookie (HttpOnly) and answers the CSRF token',
  tag: 'accounts',
  access: 'anonymous',
  body: z.strictObject({ email: z.string().trim().min(3).max(254), password }),
});

export const currentSession = defineRoute({
  method: 'GET',
  path: 'session',
  summary: "The signed-in person of the session cookie, and the session's CSRF token",
  tag: 'accounts',
  access: 'anonymous',
});

export const logout = defineRoute({ method: 'DELETE', path: 'session', summary: 'Signs out: ends the session and clears its cookie', tag: 'accounts', access: 'open', status: 204 });

export const acceptInvitation = defineRoute({
  method: 'POST',
  path: 'invitations/accept',
  summary: "Sets the first password from an invitation e-mail's link",
  tag: 'accounts',
  access: 'anonymous',
  status: 204,
  body: z.strictObject({ token, password }),
});

export const requestPasswordReset = defineRoute({
  method: 'POST',
  path: 'password-reset',
  summary: 'Sends a password-reset link to the address if it has an account (the answer is the same either way)',
  tag: 'accounts',
  access: 'anonymous',
  status: 202,
  body: z.strictObject({ email: z.string().trim().min(3).max(254) }),
});

export const confirmPasswordReset = defineRoute({
  method: 'POST',
  path: 'password-reset/confirm',
  summary: "Sets a new password from a reset e-mail's link; ends the account's sessions",
  tag: 'accounts',
  access: 'anonymous',
  status: 204,
  body: z.strictObject({ token, password }),
});

/** What a person's own answers show of the account. */
export function publicUser(user: User) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, tenant: user.tenant };
}

/** The console's sign-in, sign-out and one-time links. */
@Controller()
export class SessionController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UserRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  @ApiRoute(login)
  async login(@Input() input: RouteInput<typeof login>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const user = await this.accounts.login(input.body.email, input.body.password, request.ip);
    const session = await this.users.openSession(user.id, { maxAgeMs: this.options.accounts.sessionMaxMs, address: request.ip });
    void reply.header('set-cookie', sessionCookie(session.sessionId, session.expiresAt, this.secure(request)));
    void reply.header('cache-control', 'no-store');
    return { user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  @ApiRoute(currentSession)
  current(@Req() request: FastifyRequest & Record<symbol, UserSession | null>, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = request[SESSION];
    if (!session) throw new UnauthenticatedError();
    void reply.header('cache-control', 'no-store');
    return { user: publicUser(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  @ApiRoute(logout)
  async logout(@Req() request: FastifyRequest & Record<symbol, UserSession | null>, @Res({ passthrough: true }) reply: FastifyReply) {
    // The guard checked this session's CSRF token; a key caller has no session to end.
    const cookie = request[SESSION] ? sessionCookieOf(request.headers.cookie) : undefined;
    if (cookie) await this.users.closeSession(cookie);
    void reply.header('set-cookie', clearedSessionCookie(this.secure(request)));
  }

  @ApiRoute(acceptInvitation)
  async accept(@Input() input: RouteInput<typeof acceptInvitation>) {
    await this.accounts.setPasswordWithToken(input.body.token, 'invitation', input.body.password);
  }

  @ApiRoute(requestPasswordReset)
  requestReset(@Input() input: RouteInput<typeof requestPasswordReset>) {
    this.accounts.requestReset(input.body.email);
    return { notice: 'if this address has an account, a message with a link was sent to it' };
  }

  @ApiRoute(confirmPasswordReset)
  async confirmReset(@Input() input: RouteInput<typeof confirmPasswordReset>) {
    await this.accounts.setPasswordWithToken(input.body.token, 'reset', input.body.password);
  }

  private secure(request: FastifyRequest): boolean {
    return this.options.accounts.publicUrl.startsWith('https:') || request.protocol === 'https';
  }
}
