import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt work factors: N (CPU/memory cost, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Production cost: N=2^14, r=8, p=1 (16 MiB and tens of ms a check), the interactive-login
 * parameters of RFC 7914 §2 and OWASP's scrypt minimum. Brute-forcing a leaked hash stays slow.
 */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 16_384, r: 8, p: 1 });

/**
 * FOR TESTS AND DEMOS ONLY: N=2^10 (1 MiB, ≈ 1 ms), so that a simulated fleet of thousands
 * of devices can be provisioned in seconds. Never use it for real devices' secrets.
 */
export const TEST_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 1_024, r: 8, p: 1 });

/** Upper bounds accepted when reading a stored hash: a corrupt row must not cost gigabytes. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024; // scrypt uses 128·N·r bytes
const MAX_P = 16;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = 'scrypt';

/** Whether a cost is usable: N a power of two above 1, r and p small positive integers, ≤ 64 MiB. */
export function isValidScryptCost(cost: ScryptCost): boolean {
  const { N, r, p } = cost;
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p)) return false;
  if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || p > MAX_P) return false;
  return 128 * N * r <= MAX_MEMORY_BYTES;
}

/** `scrypt$N$r$p$saltB64$hashB64`: the parameters travel with the hash, so the cost can rise later. */
export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  if (!isValidScryptCost(cost)) throw new RangeError(`invalid scrypt cost ${JSON.stringify(cost)}`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, KEY_BYTES, cost);
  return [PREFIX, cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/**
 * True when `secret` matches `stored`. Compares in constant time, and answers false (never
 * throws) for a stored value that is not one of ours: a corrupt row is a failed login, not a
 * crashed broker.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  try {
    const parsed = parseStored(stored);
    if (!parsed) return false;
    const actual = await derive(secret, parsed.salt, parsed.hash.length, parsed.cost);
    return timingSafeEqual(actual, parsed.hash);
  } catch {
    return false;
  }
}

function parseStored(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  if (typeof stored !== 'string') return undefined;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^[0-9]{1,8}$/.test(s) ? Number(s) : NaN));
  const cost = { N, r, p };
  if (!isValidScryptCost(cost)) return undefined;
  const salt = base64(parts[4]);
  const hash = base64(parts[5]);
  if (!salt || !hash || hash.length < 16) return undefined;
  return { cost, salt, hash };
}

/** Strict base64: Buffer.from silently skips bad characters, which would weaken a hash. */
function base64(s: string): Buffer | undefined {
  if (s.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

function derive(secret: string, salt: Buffer, length: number, { N, r, p }: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node refuses above maxmem (32 MiB by default).
  const options: ScryptOptions = { N, r, p, maxmem: 2 * MAX_MEMORY_BYTES };
  return new Promise((resolvePromise, reject) => {
    scrypt(secret.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolvePromise(key)));
  });
}

/** A new MQTT password for a device or gateway: 192 random bits, URL-safe (shown once). */
export function newMqttSecret(): string {
  return randomBytes(24).toString('base64url');
}
