/** Where a luminaire stands (its astronomical clock). */
export interface Place {
  lat: number;
  lon: number;
}

/** Where a luminaire stands when its record has no coordinates: the centre of the Aisne (Laon's sun times ±2 min). */
export const DEFAULT_PLACE: Place = { lat: 49.5641, lon: 3.6199 };

/**
 * Sun times are computed for the 0.01° cell a luminaire stands in (≈ 1.1 × 0.7 km here),
 * so that the luminaires of a street share one night: off by at most 0.005° of longitude
 * (1.2 s of sun time) and less for the latitude, against the astronomical clock's 2 minutes.
 */
export const CELL_DEG = 0.01;

/**
 * The centre of the cell (CELL_DEG) a device's `lat` and `lon` attributes fall in: what its
 * sun times are computed for, by commands, judgement, previews and KPIs alike; DEFAULT_PLACE
 * without both coordinates.
 */
export function placeOf(device: { readonly attributes: Readonly<Record<string, unknown>> }): Place {
  const { lat, lon } = device.attributes;
  return typeof lat === 'number' && typeof lon === 'number' ? { lat: toCell(lat), lon: toCell(lon) } : DEFAULT_PLACE;
}

const toCell = (deg: number) => Math.round(deg / CELL_DEG) * CELL_DEG;
