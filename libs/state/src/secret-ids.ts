import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A public row id of 16 base32 characters (80 random bits): API keys, people's accounts. */
export function randomId(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** What a secret of 256 random bits (a key, a token, a session id) is stored as: its hex SHA-256. */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
