import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceSecret } from './secrets';

describe('deviceSecret()', () => {
  it('is HMAC-SHA256 of the device id keyed with the seed, in hex', () => {
    expect(deviceSecret('laon-demo', 'lc-02408-1')).toBe(createHmac('sha256', 'laon-demo').update('lc-02408-1').digest('hex'));
    expect(deviceSecret(42, 'x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same seed and id, and differs when either changes', () => {
    expect(deviceSecret(1, 'lc-02408-1')).toBe(deviceSecret(1, 'lc-02408-1'));
    expect(deviceSecret(1, 'lc-02408-2')).not.toBe(deviceSecret(1, 'lc-02408-1'));
    expect(deviceSecret(2, 'lc-02408-1')).not.toBe(deviceSecret(1, 'lc-02408-1'));
  });
});
