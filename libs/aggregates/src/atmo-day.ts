import { MEASUREMENTS, type Point } from '@hv/contracts';
import { parisInstant, type CivilDate } from '@hv/civil-time';
import { ATMO_POLLUTANTS, atmoFromHourly, atmoOfArea, type AtmoIndex, type AtmoPollutant } from '@hv/air-index';

/** One station's hourly means of one hour (µg/m³; a pollutant without data that hour is absent). */
export interface StationHour {
  tenant: string;
  device: string;
  epci: string | null;
  /** Start of the hour, epoch ms. */
  timeMs: number;
  means: Partial<Record<AtmoPollutant, number>>;
}

/**
 * The ATMO points of one day from its stations' hourly means: one per station, one per
 * EPCI (the worst station's index, `stations` = stations with an index). A station is
 * judged on the pollutants it reported that day (a station without an SO2 analyser is not
 * "indisponible" for it); a pollutant it reported for fewer than ATMO_MIN_HOURS hours makes
 * its index "indisponible", never guessed.
 */
export function atmoPoints(day: CivilDate, hours: readonly StationHour[]): Point[] {
  const timestampMs = parisInstant(day, 0);
  const stations = new Map<string, { tenant: string; device: string; epci: string | null; hourly: Record<AtmoPollutant, number[]> }>();
  for (const h of hours) {
    let s = stations.get(h.device);
    if (!s) {
      s = { tenant: h.tenant, device: h.device, epci: h.epci, hourly: { pm25: [], pm10: [], no2: [], o3: [], so2: [] } };
      stations.set(h.device, s);
    }
    for (const p of ATMO_POLLUTANTS) {
      const v = h.means[p];
      if (v !== undefined && Number.isFinite(v)) s.hourly[p].push(v);
    }
  }
  const points: Point[] = [];
  const byEpci = new Map<string, AtmoIndex[]>();
  for (const s of [...stations.values()].sort((a, b) => (a.device < b.device ? -1 : 1))) {
    const measures = ATMO_POLLUTANTS.filter((p) => s.hourly[p].length > 0);
    const index = atmoFromHourly(s.hourly, measures);
    const tags: Record<string, string> = { scope: 'station', tenant: s.tenant, device: s.device };
    if (s.epci) {
      tags.epci = s.epci;
      const epciIndices = byEpci.get(s.epci);
      if (epciIndices) epciIndices.push(index);
      else byEpci.set(s.epci, [index]);
    }
    points.push({ measurement: MEASUREMENTS.atmo, tags, fields: fieldsOf(index), timestampMs });
  }
  for (const [epci, indices] of [...byEpci].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const fields = { ...fieldsOf(atmoOfArea(indices)), stations: indices.filter((i) => i.available).length };
    points.push({ measurement: MEASUREMENTS.atmo, tags: { scope: 'epci', epci }, fields, timestampMs });
  }
  return points;
}

function fieldsOf(index: AtmoIndex): Point['fields'] {
  if (!index.available) return { available: 0 };
  const fields: Point['fields'] = { available: 1, index: index.index, responsible: index.responsible.join(',') };
  for (const p of ATMO_POLLUTANTS) {
    const s = index.subIndices[p];
    if (s !== undefined) fields[`${p}_index`] = s;
  }
  return fields;
}
