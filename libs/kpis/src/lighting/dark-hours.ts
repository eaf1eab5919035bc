import { sunTimes, type Place } from '@hv/lighting';
import { DAY_MS, HOUR_MS, overlapMs } from '../period';

/** Sun times kept per place and UTC day; past this many the cache starts again (≈ 800 communes × a year ≈ 290,000 in the worst case). */
const MAX_CACHED_DAYS = 300_000;
const cache = new Map<string, { sunriseMs: number; sunsetMs: number }>();

/** Sunrise and sunset of the UTC day that starts at `dayMs`, at `place` (NOAA, sun at −0.833°). */
function sunOf(dayMs: number, place: Place): { sunriseMs: number; sunsetMs: number } {
  const key = `${place.lat}|${place.lon}|${dayMs}`;
  let times = cache.get(key);
  if (!times) {
    const t = sunTimes(dayMs, place.lat, place.lon);
    // Polar day or night never happens at the latitudes of French communes.
    if (t.sunriseMs === null || t.sunsetMs === null) throw new RangeError(`no sunrise or sunset at ${place.lat}, ${place.lon} on ${new Date(dayMs).toISOString().slice(0, 10)}`);
    if (cache.size >= MAX_CACHED_DAYS) cache.clear();
    cache.set(key, (times = { sunriseMs: t.sunriseMs, sunsetMs: t.sunsetMs }));
  }
  return times;
}

/**
 * Hours of darkness in [fromMs, toMs) at `place`: the time from each sunset to the next
 * sunrise (the astronomical clock of @hv/lighting, the one that switches the luminaires),
 * i.e. the hours a luminaire on a plain twilight switch would burn.
 */
export function darkHours(fromMs: number, toMs: number, place: Place): number {
  let dark = 0;
  // The night that ends on the first day began the day before.
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS - DAY_MS; day < toMs; day += DAY_MS) {
    dark += overlapMs(sunOf(day, place).sunsetMs, sunOf(day + DAY_MS, place).sunriseMs, fromMs, toMs);
  }
  return dark / HOUR_MS;
}
