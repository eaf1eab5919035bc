import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Mailer } from '@hv/notifier';
import { LoginThrottleRepository, UserRepository, type ThrottleLimit, type User } from '@hv/state';
import { API_OPTIONS, type ApiOptions } from '../api.options';
import { ApiError, RequestValidationError } from '../http/api.errors';
import { invitationMail, resetMail, type AccountMail } from './account-mail';

/** Five wrong passwords for one account within 15 minutes lock its login for 15 minutes. */
export const ACCOUNT_LIMIT: ThrottleLimit = { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** One address trying many accounts: 20 failures within 15 minutes lock it for 15 minutes. */
export const ADDRESS_LIMIT: ThrottleLimit = { failures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** At most 3 reset e-mails per account an hour: nobody floods a mailbox through us. */
export const RESET_LIMIT: ThrottleLimit = { failures: 3, windowMs: 60 * 60_000, lockMs: 60 * 60_000 };
export const INVITATION_TTL_MS = 7 * 86_400_000;
export const RESET_TTL_MS = 60 * 60_000;

/** Too many failed logins: answered 429 with Retry-After. */
export class LoginLockedError extends ApiError {
  override readonly retryAfterS: number;

  constructor(retryAfterS: number) {
    super(429, `too many failed logins: try again in ${Math.ceil(retryAfterS / 60)} min`);
    this.retryAfterS = retryAfterS;
  }
}

/** Wrong e-mail or password, no password yet, or a disabled account: all answered alike. */
export class BadCredentialsError extends ApiError {
  constructor() {
    super(401, 'wrong e-mail or password');
  }
}

/** What a password must be: 12 to 128 characters, not the e-mail address. */
export function passwordIssues(password: string, email?: string): string[] {
  const length = [...password.normalize('NFC')].length;
  const issues: string[] = [];
  if (length < 12) issues.push('must be at least 12 characters');
  if (length > 128) issues.push('must be at most 128 characters');
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) issues.push('must not be the e-mail address');
  return issues;
}

/** The outcome of sending an account e-mail, as the creator of the account is told. */
export type MailOutcome = { sent: true } | { sent: false; error: string };

/**
 * People's accounts: login with its throttles, invitations and password resets. Invitations
 * and resets leave by e-mail only (the token is never in an answer): the e-mail address is
 * the person's proof of identity.
 */
@Injectable()
export class AccountsService implements OnModuleDestroy {
  private readonly logger = new Logger('Accounts');
  private readonly mailer: Mailer;
  /** Reset e-mails being sent after their answer left. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly users: UserRepository,
    private readonly throttle: LoginThrottleRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.mailer = new Mailer(options.accounts.mail);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.mailer.close();
  }

  /**
   * Checks the password; refuses while the account or the address is locked (even a right
   * password, or locking would only slow guessing down), and counts a failure against both.
   */
  async login(email: string, password: string, address: string): Promise<User> {
    const account = `account:${UserRepository.normalizeEmail(email)}`;
    const from = `address:${address}`;
    const locked = await this.throttle.lockedForMs([account, from]);
    if (locked > 0) throw new LoginLockedError(Math.ceil(locked / 1000));
    const user = await this.users.verifyPassword(email, password);
    if (user) {
      await this.throttle.reset(account);
      return user;
    }
    const lockMs = Math.max(await this.throttle.fail(account, ACCOUNT_LIMIT), await this.throttle.fail(from, ADDRESS_LIMIT));
    if (lockMs > 0) throw new LoginLockedError(Math.ceil(lockMs / 1000));
    throw new BadCredentialsError();
  }

  /** A new invitation link for an account that has no password yet, by e-mail. */
  async invite(user: User, invitedBy: string): Promise<MailOutcome & { expiresAt: Date }> {
    const { token, expiresAt } = await this.users.issueToken(user.id, 'invitation', INVITATION_TTL_MS);
    const link = `${this.options.accounts.publicUrl}/#/invitation/${token}`;
    return { ...(await this.send(user.email, invitationMail({ name: user.name, invitedBy, link, expiresAt }), `invitation-${user.id}-${expiresAt.getTime()}`)), expiresAt };
  }

  /**
   * A reset link by e-mail, when the address has an active account with a password and has
   * not asked too often. The caller learns none of that: the answer is the same either way,
   * and as fast (the work goes on after it; a failure ends in the log).
   */
  requestReset(email: string): void {
    const work = this.sendReset(email)
      .catch((error: unknown) => this.logger.warn(`password reset for a request failed: ${(error as Error).message}`))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  private async sendReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || user.disabledAt !== null || !user.hasPassword) return;
    if ((await this.throttle.lockedForMs([`reset:${user.email}`])) > 0) return;
    await this.throttle.fail(`reset:${user.email}`, RESET_LIMIT);
    const { token, expiresAt } = await this.users.issueToken(user.id, 'reset', RESET_TTL_MS);
    const link = `${this.options.accounts.publicUrl}/#/reinitialisation/${token}`;
    const outcome = await this.send(user.email, resetMail({ name: user.name, link, expiresAt }), `reset-${user.id}-${expiresAt.getTime()}`);
    if (!outcome.sent) this.logger.warn(`password reset e-mail for user ${user.id} not sent: ${outcome.error}`);
  }

  /** Sets a password from a one-time link (invitation or reset); ends the account's sessions. */
  async setPasswordWithToken(token: string, purpose: 'invitation' | 'reset', password: string): Promise<User> {
    const badLink = () => new RequestValidationError([{ field: 'body.token', message: 'this link is unknown, used, expired, or its account is disabled: ask for a new one' }]);
    const holder = await this.users.findTokenUser(token, purpose);
    if (!holder) throw badLink();
    const weak = passwordIssues(password, holder.email);
    if (weak.length) throw new RequestValidationError([{ field: 'body.password', message: weak.join('; ') }]);
    const user = await this.users.setPasswordWithToken(token, purpose, password);
    if (!user) throw badLink();
    await this.throttle.reset(`account:${user.email}`);
    return user;
  }

  private async send(to: string, mail: AccountMail, idempotencyKey: string): Promise<MailOutcome> {
    const outcome = await this.mailer.send({ to, ...mail, idempotencyKey });
    return outcome.ok ? { sent: true } : { sent: false, error: outcome.error };
  }
}
