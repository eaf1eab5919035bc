import type { Place } from '../program/place';

const MIN = 60_000;

/**
 * Sunrise and sunset from NOAA's solar calculator equations (Julian century, geometric
 * mean longitude and anomaly, equation of centre, obliquity correction, equation of
 * time, hour angle at −0.833°): an implementation independent of astro/sun.ts, written
 * from the NOAA spreadsheet, as the reference the program (and the lighting KPI's
 * baseline) are checked against. For tests only: `date` is a UTC date, the times epoch ms.
 */
export function noaa(date: string, place: Place): { sunrise: number; sunset: number } {
  const rad = Math.PI / 180;
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const jd = midnight / 86_400_000 + 2_440_587.5 + 0.5; // Julian day at 12:00 UTC
  const t = (jd - 2_451_545) / 36_525;
  const l0 = (280.46646 + t * (36_000.76983 + t * 0.0003032)) % 360;
  const m = 357.52911 + t * (35_999.05029 - 0.0001537 * t);
  const e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
  const c = Math.sin(m * rad) * (1.914602 - t * (0.004817 + 0.000014 * t)) + Math.sin(2 * m * rad) * (0.019993 - 0.000101 * t) + Math.sin(3 * m * rad) * 0.000289;
  const trueLong = l0 + c;
  const omega = 125.04 - 1934.136 * t;
  const appLong = trueLong - 0.00569 - 0.00478 * Math.sin(omega * rad);
  const obliq0 = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliq = obliq0 + 0.00256 * Math.cos(omega * rad);
  const decl = Math.asin(Math.sin(obliq * rad) * Math.sin(appLong * rad));
  const y = Math.tan((obliq / 2) * rad) ** 2;
  const eqTimeMin =
    4 *
    (y * Math.sin(2 * l0 * rad) - 2 * e * Math.sin(m * rad) + 4 * e * y * Math.sin(m * rad) * Math.cos(2 * l0 * rad) - 0.5 * y * y * Math.sin(4 * l0 * rad) - 1.25 * e * e * Math.sin(2 * m * rad)) /
    rad;
  const ha = Math.acos(Math.cos(90.833 * rad) / (Math.cos(place.lat * rad) * Math.cos(decl)) - Math.tan(place.lat * rad) * Math.tan(decl)) / rad;
  const noonMin = 720 - 4 * place.lon - eqTimeMin;
  return { sunrise: midnight + (noonMin - ha * 4) * MIN, sunset: midnight + (noonMin + ha * 4) * MIN };
}
