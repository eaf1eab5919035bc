import { sunTimes, type Place } from '@hv/lighting';
import { DAY_MS, HOUR_MS, overlapMs } from '../period';

/** Sun times kept per place and UTC day; past this many the cache starts again (≈ 800 communes × a year ≈ 290,000 in the worst case). */
const MAX_CACHED_DAYS = 300_000;
const cache = new Map<string, SunEdges>();

/** When the night next to a day's noon starts and ends, epoch ms; null for an edge a polar day removes. */
interface SunEdges {
  sunsetMs: number | null;
  sunriseMs: number | null;
}

/**
 * Sunset and sunrise of the UTC day that starts at `dayMs`, at `place` (NOAA, sun at −0.833°).
 * A place's latitude is the mean of its luminaires', which a registry may put anywhere: a
 * polar night is dark from local noon to local noon (nights join), a polar day not at all.
 */
function sunOf(dayMs: number, place: Place): SunEdges {
  const key = `${place.lat}|${place.lon}|${dayMs}`;
  let times = cache.get(key);
  if (!times) {
    const t = sunTimes(dayMs, place.lat, place.lon);
    const noon = dayMs + DAY_MS / 2 - (place.lon / 15) * HOUR_MS;
    if (cache.size >= MAX_CACHED_DAYS) cache.clear();
    times = {
      sunsetMs: t.sunsetMs ?? (t.darkAfternoon ? noon : null),
      sunriseMs: t.sunriseMs ?? (t.darkMorning ? noon : null),
    };
    cache.set(key, times);
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
    const { sunsetMs } = sunOf(day, place);
    const { sunriseMs } = sunOf(day + DAY_MS, place);
    if (sunsetMs !== null && sunriseMs !== null) dark += overlapMs(sunsetMs, sunriseMs, fromMs, toMs);
  }
  return dark / HOUR_MS;
}
