import { createHmac } from 'node:crypto';
import type { Seed } from './random';

/**
 * The secret a simulated device logs in with: HMAC-SHA256 of its id keyed with the
 * fleet seed, in hex (64 characters). Tests and the demo provision the registry with it
 * and connect the same fleet without passing secrets around.
 */
export function deviceSecret(seed: Seed, deviceId: string): string {
  return createHmac('sha256', String(seed)).update(deviceId, 'utf8').digest('hex');
}
