/**
 * Sun position for the astronomical clock of street lighting: on at sunset, off at
 * sunrise. Low-precision solar coordinates (Astronomical Almanac / NOAA, ≈ 1 arc-minute
 * until 2050), which is well inside the ±2 min of DOMAIN.md's Laon references.
 */

const DEG = Math.PI / 180;
const DAY_MS = 86_400_000;
/** Apparent sunrise/sunset: refraction (34') plus the sun's semi-diameter (16'). */
export const SUNRISE_ALTITUDE_DEG = -0.833;

/** Sun altitude above the horizon, degrees. */
export function sunAltitudeDeg(tsMs: number, latDeg: number, lonDeg: number): number {
  const d = tsMs / DAY_MS - 10_957.5; // days since J2000.0 (2000-01-01T12:00Z)
  const g = (357.529 + 0.98560028 * d) * DEG; // mean anomaly
  const q = 280.459 + 0.98564736 * d; // mean longitude, degrees
  const lambda = (q + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * DEG; // ecliptic longitude
  const epsilon = (23.439 - 0.00000036 * d) * DEG; // obliquity
  const ra = Math.atan2(Math.cos(epsilon) * Math.sin(lambda), Math.cos(lambda));
  const dec = Math.asin(Math.sin(epsilon) * Math.sin(lambda));
  const gmstDeg = 280.46061837 + 360.98564736629 * d;
  const hourAngle = (gmstDeg + lonDeg) * DEG - ra;
  const lat = latDeg * DEG;
  return Math.asin(Math.sin(lat) * Math.sin(dec) + Math.cos(lat) * Math.cos(dec) * Math.cos(hourAngle)) / DEG;
}

/** True between sunset and sunrise (sun below the apparent horizon). */
export function isDark(tsMs: number, latDeg: number, lonDeg: number): boolean {
  return sunAltitudeDeg(tsMs, latDeg, lonDeg) < SUNRISE_ALTITUDE_DEG;
}

export interface SunTimes {
  /** UTC epoch ms; null during polar day or night (never at the Aisne's latitude). */
  sunriseMs: number | null;
  sunsetMs: number | null;
  /** Where a time is null, whether the sun stays below the horizon for that half-day (polar night) rather than above it (polar day). */
  darkMorning: boolean;
  darkAfternoon: boolean;
}

/** Sunrise and sunset of the UTC day that contains `dayMs`, to the second. */
export function sunTimes(dayMs: number, latDeg: number, lonDeg: number): SunTimes {
  const day0 = Math.floor(dayMs / DAY_MS) * DAY_MS;
  // Local solar noon ≈ 12:00 UTC − longitude / 15 h (the equation of time is ≤ 17 min).
  const noon = day0 + DAY_MS / 2 - (lonDeg / 15) * 3_600_000;
  const above = (t: number) => sunAltitudeDeg(t, latDeg, lonDeg) - SUNRISE_ALTITUDE_DEG;
  return {
    sunriseMs: crossing(above, noon - DAY_MS / 2, noon),
    sunsetMs: crossing(above, noon, noon + DAY_MS / 2),
    // Without a crossing the sign holds over the whole half-day: its middle tells which.
    darkMorning: above(noon - DAY_MS / 4) < 0,
    darkAfternoon: above(noon + DAY_MS / 4) < 0,
  };
}

/** Bisection on a sign change of f over [a, b], to 1 s; null when there is none. */
function crossing(f: (t: number) => number, a: number, b: number): number | null {
  let fa = f(a);
  const fb = f(b);
  if (Math.sign(fa) === Math.sign(fb)) return null;
  while (b - a > 1_000) {
    const m = (a + b) / 2;
    const fm = f(m);
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return Math.round((a + b) / 2);
}
