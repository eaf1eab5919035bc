import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { randomId, sha256 } from './secret-ids';
import { Database } from './database';
import { UnknownTenantError } from './state.errors';

export const API_ROLES = ['operator', 'epci', 'commune', 'cdn', 'public'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** An API key as listed (never its secret nor its digest). */
export interface ApiKey {
  id: string;
  name: string;
  role: ApiRole;
  /** The collectivité of an `epci` or `commune` key; null for the others. */
  tenant: string | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What creation returns: the key in clear, which is never stored nor shown again. */
export interface IssuedApiKey extends ApiKey {
  key: string;
}

/** `hv_<16 base32 characters>_<43 base64url characters>`. */
const KEY_PATTERN = /^hv_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
/** A verified key is not written back more often than this, ms (last_used_at is coarse on purpose). */
const TOUCH_EVERY_MS = 60_000;

const COLUMNS = `id, name, role, tenant_id AS tenant, created_by AS "createdBy", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

/** API keys: issued with 256 random bits, stored as a SHA-256 digest, looked up by their id part. */
@Injectable()
export class ApiKeyRepository {
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /** Issues a key. `tenant` is required for `epci`/`commune` keys and refused for the others. */
  async create(input: { name: string; role: ApiRole; tenant?: string | null; createdBy: string }): Promise<IssuedApiKey> {
    const id = randomId();
    const secret = randomBytes(32).toString('base64url');
    try {
      const { rows } = await this.db.query<ApiKey>(
        `INSERT INTO api_keys (id, secret_sha256, name, role, tenant_id, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [id, sha256(secret), input.name, input.role, input.tenant ?? null, input.createdBy],
      );
      return { ...rows[0]!, key: `hv_${id}_${secret}` };
    } catch (error) {
      if ((error as { code?: string }).code === '23503') throw new UnknownTenantError([String(input.tenant)]);
      throw error;
    }
  }

  /**
   * The active key `presented` is, or null (malformed, unknown, wrong secret, revoked: all
   * alike to the caller). The digest comparison runs in constant time.
   */
  async verify(presented: string): Promise<ApiKey | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const { rows } = await this.db.query<ApiKey & { digest: string }>(
      `SELECT ${COLUMNS}, secret_sha256 AS digest FROM api_keys WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    const row = rows[0];
    const expected = Buffer.from(row?.digest ?? '0'.repeat(64), 'hex');
    const ok = timingSafeEqual(expected, Buffer.from(sha256(secret), 'hex')) && row !== undefined;
    if (!ok || !row) return null;
    const { digest: _digest, ...key } = row;
    await this.touch(id);
    return key;
  }

  async list(): Promise<ApiKey[]> {
    const { rows } = await this.db.query<ApiKey>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
    return rows;
  }

  async findById(id: string): Promise<ApiKey | undefined> {
    const { rows } = await this.db.query<ApiKey>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Revokes a key (it stops working at once); false when it was unknown or already revoked. */
  async revoke(id: string): Promise<ApiKey | undefined> {
    const { rows } = await this.db.query<ApiKey>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0];
  }

  private async touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    await this.db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
  }
}

export function isApiRole(s: string): s is ApiRole {
  return (API_ROLES as readonly string[]).includes(s);
}
