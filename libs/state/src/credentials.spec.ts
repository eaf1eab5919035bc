import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, hashSecret, isValidScryptCost, TEST_SCRYPT_COST, verifySecret } from './credentials';

describe('hashSecret / verifySecret', () => {
  it('stores scrypt$N$r$p$salt$hash with the default cost and accepts the right secret only', async () => {
    const stored = await hashSecret('lamp-1 secret');
    const [scheme, N, r, p, salt, hash] = stored.split('$');
    expect({ scheme, N: Number(N), r: Number(r), p: Number(p) }).toEqual({ scheme: 'scrypt', ...DEFAULT_SCRYPT_COST });
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64')).toHaveLength(32);
    await expect(verifySecret('lamp-1 secret', stored)).resolves.toBe(true);
    await expect(verifySecret('lamp-1 secreT', stored)).resolves.toBe(false);
    await expect(verifySecret('', stored)).resolves.toBe(false);
  });

  it('salts every hash, so equal secrets do not give equal hashes', async () => {
    const [a, b] = await Promise.all([hashSecret('same secret', TEST_SCRYPT_COST), hashSecret('same secret', TEST_SCRYPT_COST)]);
    expect(a).not.toBe(b);
    await expect(verifySecret('same secret', a)).resolves.toBe(true);
    await expect(verifySecret('same secret', b)).resolves.toBe(true);
  });

  it('records the cheap test cost in the hash and verifies with it', async () => {
    const stored = await hashSecret('simulated fleet', TEST_SCRYPT_COST);
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(verifySecret('simulated fleet', stored)).resolves.toBe(true);
  });

  it('answers false, never throws, for stored values that are not ours', async () => {
    const good = await hashSecret('some secret', TEST_SCRYPT_COST);
    const parts = good.split('$');
    const malformed = [
      '',
      'plain-text-password',
      'bcrypt$2b$10$abcdefghijklmnopqrstuv',
      'scrypt$1024$8$1$onlyfive',
      ['argon2', ...parts.slice(1)].join('$'),
      [parts[0], '1000', ...parts.slice(2)].join('$'), // N not a power of two
      [parts[0], '1073741824', '8', '1', parts[4], parts[5]].join('$'), // 128 GiB of memory
      [parts[0], ...parts.slice(1, 4), '!!!', parts[5]].join('$'), // salt not base64
      [...parts.slice(0, 5), 'AAAA'].join('$'), // hash too short to mean anything
      `${good}$extra`,
      null as unknown as string,
    ];
    for (const stored of malformed) await expect(verifySecret('some secret', stored), String(stored)).resolves.toBe(false);
  });

  it('rejects a hash whose bytes were altered', async () => {
    const stored = await hashSecret('some secret', TEST_SCRYPT_COST);
    const parts = stored.split('$');
    const hash = Buffer.from(parts[5], 'base64');
    hash[0] ^= 1;
    parts[5] = hash.toString('base64');
    await expect(verifySecret('some secret', parts.join('$'))).resolves.toBe(false);
  });

  it('refuses to hash with an unusable cost', async () => {
    expect(isValidScryptCost({ N: 1000, r: 8, p: 1 })).toBe(false);
    expect(isValidScryptCost({ N: 1 << 20, r: 8, p: 1 })).toBe(false); // 1 GiB
    expect(isValidScryptCost(TEST_SCRYPT_COST)).toBe(true);
    await expect(hashSecret('x', { N: 3, r: 8, p: 1 })).rejects.toThrow(/invalid scrypt cost/);
  });
});
