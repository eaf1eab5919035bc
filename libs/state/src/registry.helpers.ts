import { DEFAULT_SCRYPT_COST, hashSecret, verifySecret, type ScryptCost } from './credentials';
import type { Queryable } from './database';
import { DuplicateError, InvalidInputError, UnknownTenantError } from './state.errors';

/**
 * Secrets hashed at once. scrypt runs on libuv's thread pool (4 threads by default), which
 * file and DNS I/O share: a batch of thousands must not queue them all at once.
 */
const HASH_CONCURRENCY = 4;

/** Hash each secret (undefined stays null), at most HASH_CONCURRENCY at a time. */
export async function hashSecrets(items: ReadonlyArray<{ secret: string; cost?: ScryptCost } | undefined>): Promise<(string | null)[]> {
  const out: (string | null)[] = new Array<string | null>(items.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item) out[i] = await hashSecret(item.secret, item.cost);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, items.length) }, worker));
  return out;
}

let decoy: Promise<string> | undefined;

/**
 * verifySecret against `stored`, or, when there is nothing to check against (unknown,
 * retired or secretless account), against a decoy hash of the default cost, so that a
 * failed login takes about as long whether or not the account exists.
 */
export async function verifyOrBurn(secret: string, stored: string | null): Promise<boolean> {
  if (stored !== null) return verifySecret(secret, stored);
  decoy ??= hashSecret('decoy secret, never valid', DEFAULT_SCRYPT_COST);
  await verifySecret(String(secret), await decoy);
  return false;
}

/** Refuse ids that are not tenants, naming them all (clearer than a foreign-key violation). */
export async function rejectUnknownTenants(q: Queryable, tenantIds: string[]): Promise<void> {
  const wanted = [...new Set(tenantIds)];
  const { rows } = await q.query<{ id: string }>('SELECT id FROM tenants WHERE id = ANY($1::text[])', [wanted]);
  const known = new Set(rows.map((r) => r.id));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length) throw new UnknownTenantError(missing);
}

interface PgError extends Error {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** PostgreSQL constraint violations of an insert → domain errors naming the value. */
export function toRegistryError(error: unknown, entity: 'device' | 'gateway'): unknown {
  const e = error as PgError;
  // detail reads `Key (id)=(lamp-1) already exists.` / `Key (tenant_id)=(99999) is not present…`
  const value = /\)=\((.*)\)/.exec(e.detail ?? '')?.[1] ?? '?';
  if (e.code === '23505') {
    return new DuplicateError(entity, e.constraint?.includes('dev_eui') ? 'devEui' : 'id', value);
  }
  if (e.code === '23503' && e.constraint?.endsWith('tenant_id_fkey')) return new UnknownTenantError([value]);
  // detail reads `Key (model, type)=(elsys-ers-co2, parking-spot) is not present in table "device_models".`
  if (e.code === '23503' && e.constraint === 'devices_model_fkey') {
    return new InvalidInputError(entity, [`model: ${value.replace(/, /, ' is not a registered model of type ')}`]);
  }
  return error;
}
