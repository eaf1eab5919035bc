const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * Geohash of a position (precision 7 ≈ 150 m × 150 m): the `geohash` tag of device points,
 * which Grafana's geomap places without a lookup in the registry.
 */
export function geohash(lat: number, lon: number, precision = 7): string {
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let out = '';
  let bits = 0;
  let value = 0;
  let even = true;
  while (out.length < precision) {
    if (even) {
      const mid = (lonLo + lonHi) / 2;
      value = (value << 1) | (lon >= mid ? 1 : 0);
      if (lon >= mid) lonLo = mid;
      else lonHi = mid;
    } else {
      const mid = (latLo + latHi) / 2;
      value = (value << 1) | (lat >= mid ? 1 : 0);
      if (lat >= mid) latLo = mid;
      else latHi = mid;
    }
    even = !even;
    if (++bits === 5) {
      out += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return out;
}

/** The geohash of a device's `lat`/`lon` attributes, or undefined when it has none. */
export function geohashOf(attributes: Record<string, unknown> | undefined): string | undefined {
  const lat = attributes?.lat;
  const lon = attributes?.lon;
  return typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? geohash(lat, lon) : undefined;
}
