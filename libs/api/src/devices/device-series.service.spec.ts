import { describe, expect, it } from 'vitest';
import { bucketFor, MAX_POINTS } from './device-series.service';

const DAY = 86_400_000;

describe('bucketFor', () => {
  it('serves raw points while a 10-minute luminaire has at most MAX_POINTS in the range (≈ 6.9 days)', () => {
    expect(MAX_POINTS).toBe(1_000);
    expect(bucketFor('lighting-controller', 0, DAY)).toBeNull();
    expect(bucketFor('lighting-controller', 0, 6 * DAY)).toBeNull();
  });

  it('averages longer ranges in the smallest bucket that keeps at most MAX_POINTS', () => {
    expect(bucketFor('lighting-controller', 0, 8 * DAY)).toBe('15m'); // 768 buckets
    expect(bucketFor('lighting-controller', 0, 30 * DAY)).toBe('1h'); // 720
    expect(bucketFor('lighting-controller', 0, 366 * DAY)).toBe('1d'); // 366
  });

  it('follows the device type\'s rate: a 5-minute boiler room is averaged sooner', () => {
    expect(bucketFor('boiler-room', 0, 4 * DAY)).toBe('15m');
    expect(bucketFor('parking-spot', 0, 30 * DAY)).toBeNull(); // hourly heartbeat: 720 points
  });
});
