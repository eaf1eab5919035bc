/**
 * The ATMO index (arrêté du 10 juillet 2020 relatif à l'indice de la qualité de l'air
 * ambiant, in force since 1 January 2021): six classes; the index is the worst of the
 * sub-indices of PM2.5, PM10, NO2, O3 and SO2. PM use daily means, NO2, O3 and SO2 the
 * day's hourly maxima (DOMAIN.md). A concentration equal to a class's upper bound is in
 * that class. Without enough data the index is "indisponible", never guessed.
 */

export const ATMO_POLLUTANTS = ['pm25', 'pm10', 'no2', 'o3', 'so2'] as const;
export type AtmoPollutant = (typeof ATMO_POLLUTANTS)[number];

export const ATMO_CLASSES = ['bon', 'moyen', 'dégradé', 'mauvais', 'très mauvais', 'extrêmement mauvais'] as const;
export type AtmoLabel = (typeof ATMO_CLASSES)[number];

/** Upper bounds of classes 1–5, µg/m³ (class 6 is above the last). */
export const ATMO_UPPER_BOUNDS: Readonly<Record<AtmoPollutant, readonly [number, number, number, number, number]>> = {
  pm25: [10, 20, 25, 50, 75],
  pm10: [20, 40, 50, 100, 150],
  no2: [40, 90, 120, 230, 340],
  o3: [50, 100, 130, 240, 380],
  so2: [100, 200, 350, 500, 750],
};

/** PM are judged on their daily mean; the gases on their highest hourly mean of the day. */
export const ATMO_AGGREGATE: Readonly<Record<AtmoPollutant, 'daily_mean' | 'hourly_max'>> = {
  pm25: 'daily_mean',
  pm10: 'daily_mean',
  no2: 'hourly_max',
  o3: 'hourly_max',
  so2: 'hourly_max',
};

/** Hours with data a pollutant needs in a day (75 %, the usual validity rule for daily aggregates). */
export const ATMO_MIN_HOURS = 18;

/** Sub-index (1–6) of one pollutant's aggregate. */
export function atmoSubIndex(pollutant: AtmoPollutant, ugm3: number): number {
  if (!(ugm3 >= 0) || !Number.isFinite(ugm3)) throw new RangeError(`${pollutant}: a concentration must be ≥ 0 µg/m³, got ${ugm3}`);
  const bounds = ATMO_UPPER_BOUNDS[pollutant];
  const i = bounds.findIndex((b) => ugm3 <= b);
  return i === -1 ? 6 : i + 1;
}

export type AtmoIndex =
  | { available: true; index: number; label: AtmoLabel; /** Pollutants whose sub-index is the index. */ responsible: AtmoPollutant[]; subIndices: Partial<Record<AtmoPollutant, number>> }
  | { available: false; label: 'indisponible'; missing: AtmoPollutant[] };

/**
 * One station's day, from its hourly means (µg/m³, one per hour that has data; an hour
 * without data is absent or NaN). Every pollutant the station `measures` needs
 * ATMO_MIN_HOURS hours, or the index is "indisponible" with the ones missing named.
 */
export function atmoFromHourly(hourly: Partial<Record<AtmoPollutant, readonly number[]>>, measures: readonly AtmoPollutant[] = ATMO_POLLUTANTS): AtmoIndex {
  const aggregates: Partial<Record<AtmoPollutant, number>> = {};
  const missing: AtmoPollutant[] = [];
  for (const p of measures) {
    const values = (hourly[p] ?? []).filter((v) => Number.isFinite(v));
    if (values.length < ATMO_MIN_HOURS) {
      missing.push(p);
      continue;
    }
    aggregates[p] = ATMO_AGGREGATE[p] === 'daily_mean' ? values.reduce((a, b) => a + b, 0) / values.length : Math.max(...values);
  }
  if (missing.length > 0 || measures.length === 0) return { available: false, label: 'indisponible', missing };
  return atmoFromAggregates(aggregates);
}

/** The index from the day's aggregates (daily means for PM, hourly maxima for the gases). */
export function atmoFromAggregates(aggregates: Partial<Record<AtmoPollutant, number>>): AtmoIndex {
  const subIndices: Partial<Record<AtmoPollutant, number>> = {};
  let index = 0;
  for (const p of ATMO_POLLUTANTS) {
    const v = aggregates[p];
    if (v === undefined) continue;
    const s = atmoSubIndex(p, v);
    subIndices[p] = s;
    index = Math.max(index, s);
  }
  if (index === 0) return { available: false, label: 'indisponible', missing: [...ATMO_POLLUTANTS] };
  const responsible = ATMO_POLLUTANTS.filter((p) => subIndices[p] === index);
  return { available: true, index, label: ATMO_CLASSES[index - 1]!, responsible, subIndices };
}

/**
 * An area's index (an EPCI) from its stations' indices of the day: the worst available
 * one (the arrêté takes an EPCI's index as the highest over its territory);
 * "indisponible" when no station of the area has one.
 */
export function atmoOfArea(stations: readonly AtmoIndex[]): AtmoIndex {
  let worst: AtmoIndex | undefined;
  for (const s of stations) if (s.available && (!worst || !worst.available || s.index > worst.index)) worst = s;
  return worst ?? { available: false, label: 'indisponible', missing: [...ATMO_POLLUTANTS] };
}

/** Information and alert thresholds (µg/m³): PM10 on the daily mean, the gases on hourly means. */
export const AIR_THRESHOLDS = {
  pm10: { aggregate: 'daily_mean', information: 50, alert: 80 },
  no2: { aggregate: 'hourly', information: 200, alert: 400 },
  o3: { aggregate: 'hourly', information: 180, alert: 240 },
  so2: { aggregate: 'hourly', information: 300, alert: 500 },
} as const;

export type ThresholdLevel = 'information' | 'alert';

/** The threshold a value crosses, if any (the alert threshold wins). */
export function thresholdExceeded(pollutant: keyof typeof AIR_THRESHOLDS, ugm3: number): ThresholdLevel | null {
  const t = AIR_THRESHOLDS[pollutant];
  if (ugm3 > t.alert) return 'alert';
  if (ugm3 > t.information) return 'information';
  return null;
}
