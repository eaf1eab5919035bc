import { describe, expect, it } from 'vitest';
import { geohash, geohashOf } from './geohash';

describe('geohash', () => {
  it('matches the reference encoding', () => {
    // Reference values from the algorithm's original description (geohash.org).
    expect(geohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(geohash(42.6, -5.6, 5)).toBe('ezs42');
  });
  it('is absent without coordinates', () => {
    expect(geohashOf({ lat: 49.5641, lon: 3.6199 })).toMatch(/^u0[0-9b-hjkmnp-z]{5}$/);
    expect(geohashOf({})).toBeUndefined();
    expect(geohashOf({ lat: 'x', lon: 3 })).toBeUndefined();
  });
});
