import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ApiRole } from './api-key.repository';
import { hashSecret, verifySecret, type ScryptCost } from './credentials';
import { randomId, sha256 } from './secret-ids';
import { Database, type Queryable } from './database';
import { DuplicateError, UnknownTenantError } from './state.errors';

/**
 * scrypt cost of people's passwords: N=2^15, r=8, p=3 (32 MiB), one of OWASP's equivalent
 * scrypt settings. People choose guessable passwords; a leaked hash must stay expensive.
 */
export const PASSWORD_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 32_768, r: 8, p: 3 });

/** A person's account as listed (never its password hash). */
export interface User {
  id: string;
  email: string;
  name: string;
  role: ApiRole;
  /** The collectivité of an `epci` or `commune` user; null for the others. */
  tenant: string | null;
  createdBy: string;
  createdAt: Date;
  /** False until the invitation is accepted. */
  hasPassword: boolean;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
}

export type UserTokenPurpose = 'invitation' | 'reset';

/** A signed-in person: the session's user and its CSRF token. */
export interface UserSession {
  user: User;
  csrfToken: string;
  expiresAt: Date;
}

/** The columns of a User, from the users table under alias `u` (or none). */
const columns = (u = ''): string => {
  const c = u ? `${u}.` : '';
  return `${c}id, ${c}email, ${c}name, ${c}role, ${c}tenant_id AS tenant, ${c}created_by AS "createdBy", ${c}created_at AS "createdAt",
  ${c}password_hash IS NOT NULL AS "hasPassword", ${c}last_login_at AS "lastLoginAt", ${c}disabled_at AS "disabledAt"`;
};
const COLUMNS = columns();
/** Tokens and session ids: 256 random bits in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A session's last_seen_at is not written more often than this, ms. */
const SESSION_TOUCH_MS = 60_000;

/** Accounts of people, their one-time links and their sessions (PostgreSQL, migration 011). */
@Injectable()
export class UserRepository {
  constructor(private readonly db: Database) {}

  /** E-mail addresses compare case-insensitively: stored lower-cased and trimmed. */
  static normalizeEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  async create(input: { email: string; name: string; role: ApiRole; tenant?: string | null; createdBy: string }): Promise<User> {
    try {
      const { rows } = await this.db.query<User>(
        `INSERT INTO users (id, email, name, role, tenant_id, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [randomId(), UserRepository.normalizeEmail(input.email), input.name, input.role, input.tenant ?? null, input.createdBy],
      );
      return rows[0]!;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23503') throw new UnknownTenantError([String(input.tenant)]);
      if (code === '23505') throw new DuplicateError('user', 'email', UserRepository.normalizeEmail(input.email));
      throw error;
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const { rows } = await this.db.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0];
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const { rows } = await this.db.query<User>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [UserRepository.normalizeEmail(email)]);
    return rows[0];
  }

  /** Every account, or those of the given tenants (an EPCI's administrators see their own). */
  async list(tenants?: readonly string[]): Promise<User[]> {
    const { rows } = tenants
      ? await this.db.query<User>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = ANY($1::text[]) ORDER BY email`, [tenants])
      : await this.db.query<User>(`SELECT ${COLUMNS} FROM users ORDER BY email`);
    return rows;
  }

  /**
   * The active account whose password `password` is, or null: unknown e-mail, no password yet,
   * disabled, wrong password all alike. An unknown e-mail still costs one scrypt run, so that
   * the answer's time does not tell which addresses have an account.
   */
  async verifyPassword(email: string, password: string): Promise<User | null> {
    const { rows } = await this.db.query<User & { hash: string | null }>(
      `SELECT ${COLUMNS}, password_hash AS hash FROM users WHERE email = $1`,
      [UserRepository.normalizeEmail(email)],
    );
    const row = rows[0];
    const ok = await verifySecret(password, row?.hash ?? (await dummyHash()));
    if (!ok || !row || row.hash === null || row.disabledAt !== null) return null;
    const { hash: _hash, ...user } = row;
    return user;
  }

  /** Sets the password and ends every session of the account (a reset logs out everywhere). */
  async setPassword(userId: string, password: string, cost: ScryptCost = PASSWORD_SCRYPT_COST): Promise<void> {
    const hash = await hashSecret(password, cost);
    await this.db.tx(async (tx) => {
      await tx.query('UPDATE users SET password_hash = $2, password_set_at = now() WHERE id = $1', [userId, hash]);
      await revokeSessionsOf(tx, userId);
    });
  }

  /** Disables (or enables again) an account; disabling ends its sessions and its pending links. */
  async setDisabled(userId: string, disabled: boolean): Promise<User | undefined> {
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<User>(
        `UPDATE users SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, now()) ELSE NULL END WHERE id = $1 RETURNING ${COLUMNS}`,
        [userId, disabled],
      );
      if (disabled && rows[0]) {
        await revokeSessionsOf(tx, userId);
        await tx.query('UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
      }
      return rows[0];
    });
  }

  /**
   * A new one-time link for the account, valid `ttlMs`; the account's earlier unused links of
   * the same purpose stop working. Returns the token in clear (it goes into the e-mail only).
   */
  async issueToken(userId: string, purpose: UserTokenPurpose, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.db.tx(async (tx) => {
      await tx.query('UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [userId, purpose]);
      await tx.query('INSERT INTO user_tokens (digest, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)', [sha256(token), userId, purpose, expiresAt]);
    });
    return { token, expiresAt };
  }

  /** The active account a live one-time link belongs to (without spending it), or undefined. */
  async findTokenUser(token: string, purpose: UserTokenPurpose): Promise<User | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const { rows } = await this.db.query<User>(
      `SELECT ${columns('u')} FROM user_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.digest = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL`,
      [sha256(token), purpose],
    );
    return rows[0];
  }

  /**
   * Uses a one-time link to set the account's password: the token must be of this purpose,
   * unused, unexpired, of an account not disabled. Returns the account, or null. The token is
   * spent in the same transaction as the password is set, so two uses cannot both succeed.
   */
  async setPasswordWithToken(token: string, purpose: UserTokenPurpose, password: string, cost: ScryptCost = PASSWORD_SCRYPT_COST): Promise<User | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const hash = await hashSecret(password, cost);
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<{ userId: string }>(
        `UPDATE user_tokens t SET used_at = now() FROM users u
         WHERE t.digest = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()
           AND u.id = t.user_id AND u.disabled_at IS NULL
         RETURNING t.user_id AS "userId"`,
        [sha256(token), purpose],
      );
      const userId = rows[0]?.userId;
      if (!userId) return null;
      // Whichever link was used, the other pending ones die with it.
      await tx.query('UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
      await tx.query('UPDATE users SET password_hash = $2, password_set_at = now() WHERE id = $1', [userId, hash]);
      await revokeSessionsOf(tx, userId);
      const user = await tx.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [userId]);
      return user.rows[0]!;
    });
  }

  /** Opens a session: returns the cookie's value (in clear, never stored) and the CSRF token. */
  async openSession(userId: string, options: { maxAgeMs: number; address: string | null }): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + options.maxAgeMs);
    await this.db.query('INSERT INTO user_sessions (digest, user_id, csrf_token, expires_at, address) VALUES ($1, $2, $3, $4, $5)', [
      sha256(sessionId),
      userId,
      csrfToken,
      expiresAt,
      options.address,
    ]);
    await this.db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [userId]);
    return { sessionId, csrfToken, expiresAt };
  }

  /**
   * The live session `sessionId` names, or null: unknown, revoked, past its absolute expiry,
   * idle longer than `idleMs`, or of a disabled account. Marks it seen (coarsely).
   */
  async findSession(sessionId: string, idleMs: number): Promise<UserSession | null> {
    if (!TOKEN_PATTERN.test(sessionId)) return null;
    const digest = sha256(sessionId);
    const { rows } = await this.db.query<User & { csrfToken: string; expiresAt: Date; lastSeenAt: Date }>(
      `SELECT ${columns('u')},
              s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt", s.last_seen_at AS "lastSeenAt"
       FROM user_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.digest = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND s.last_seen_at > now() - make_interval(secs => $2::double precision / 1000) AND u.disabled_at IS NULL`,
      [digest, idleMs],
    );
    const row = rows[0];
    if (!row) return null;
    const { csrfToken, expiresAt, lastSeenAt, ...user } = row;
    if (Date.now() - lastSeenAt.getTime() > SESSION_TOUCH_MS) await this.db.query('UPDATE user_sessions SET last_seen_at = now() WHERE digest = $1', [digest]);
    return { user, csrfToken, expiresAt };
  }

  /** Ends one session (logout); false when it was not live. */
  async closeSession(sessionId: string): Promise<boolean> {
    if (!TOKEN_PATTERN.test(sessionId)) return false;
    const { rowCount } = await this.db.query('UPDATE user_sessions SET revoked_at = now() WHERE digest = $1 AND revoked_at IS NULL', [sha256(sessionId)]);
    return (rowCount ?? 0) > 0;
  }
}

/** Compares two CSRF tokens in constant time (a header against the session's). */
export function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function revokeSessionsOf(tx: Queryable, userId: string): Promise<void> {
  await tx.query('UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}

let dummy: Promise<string> | undefined;
/** A hash of nothing anyone knows, at the password cost: what an unknown e-mail is checked against. */
function dummyHash(): Promise<string> {
  dummy ??= hashSecret(randomBytes(16).toString('hex'), PASSWORD_SCRYPT_COST);
  return dummy;
}
