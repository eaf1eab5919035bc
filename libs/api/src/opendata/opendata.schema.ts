import { z } from 'zod';

/**
 * The open datasets, one row per published object, as the JSON and CSV exports carry them
 * (the NGSI-LD entities are built from the same rows: smart-data-models.ts). Every row is
 * an equipment of the collectivité or an aggregate over one: never a vehicle, a parking
 * spot or a presence event (docs/API.md, "Open data").
 */

const commune = { tenant: z.string().describe('INSEE code of the commune (or SIREN of the EPCI) that owns it'), commune: z.string().describe('its name') };
const place = { lat: z.number().describe('WGS 84, degrees'), lon: z.number().describe('WGS 84, degrees') };

/** Streetlight status (Smart Data Models enum) from the luminaire's open lamp alarms. */
export const STREETLIGHT_STATUS = ['ok', 'defectiveLamp', 'brokenLantern', 'columnIssue'] as const;
/** `low`: dimmed (a level between 0 and 100 %). */
export const POWER_STATES = ['on', 'low', 'off'] as const;

/** A luminaire (device-level, not personal: see the presence rule in `illuminance_level`). */
export const streetlightRowSchema = z.object({
  ...commune,
  id: z.string().describe('the luminaire controller\'s id'),
  name: z.string().nullable(),
  ...place,
  cabinet: z.string().nullable().describe('the cabinet (armoire) feeding it'),
  status: z.enum(STREETLIGHT_STATUS),
  power_state: z.enum(POWER_STATES).nullable().describe('from the base level; null when it reported nothing in the last hour'),
  illuminance_level: z.number().min(0).max(1).nullable().describe('the lowest level it reported in the last hour (0–1): a presence boost never shows'),
  observed_at: z.string().nullable().describe('its latest reading in that hour'),
});
export type StreetlightRow = z.infer<typeof streetlightRowSchema>;

/** An outdoor air-quality station's Paris day (indoor CO2 sensors are not published: they follow a classroom's occupancy). */
export const airQualityRowSchema = z.object({
  ...commune,
  station: z.string(),
  name: z.string().nullable(),
  ...place,
  date: z.string().describe('the Paris day, YYYY-MM-DD'),
  pm25_ugm3: z.number().nullable().describe('daily mean, µg/m³'),
  pm10_ugm3: z.number().nullable(),
  no2_ugm3: z.number().nullable(),
  o3_ugm3: z.number().nullable(),
  so2_ugm3: z.number().nullable(),
  atmo_index: z.number().int().min(1).max(6).nullable().describe('the ATMO index (arrêté du 10 juillet 2020), null when "indisponible"'),
  atmo_label: z.string().describe('bon … extrêmement mauvais, or indisponible'),
});
export type AirQualityRow = z.infer<typeof airQualityRowSchema>;

/** DATEX II parking-site status, from the occupancy (saturation at 90 %, DOMAIN.md). */
export const PARKING_STATUS = ['spacesAvailable', 'almostFull', 'full'] as const;

/** A car park's counts (on-street spots are never published one by one). */
export const carParkRowSchema = z.object({
  ...commune,
  id: z.string().describe('the car park counter\'s id'),
  name: z.string().nullable(),
  ...place,
  total_spots: z.number().int().min(1),
  occupied_spots: z.number().int().min(0),
  available_spots: z.number().int().min(0),
  occupancy: z.number().min(0).max(1),
  status: z.enum(PARKING_STATUS),
  observed_at: z.string(),
});
export type CarParkRow = z.infer<typeof carParkRowSchema>;

/** The JSON export of a dataset. */
export function datasetEnvelope<S extends z.ZodType>(row: S) {
  return z.object({
    dataset: z.string(),
    licence: z.string(),
    generatedAt: z.string(),
    total: z.number().int().describe('rows matching the request; this page holds `rows`'),
    rows: z.array(row),
  });
}

/** Licence of the published data: the French administration's open licence. */
export const OPEN_DATA_LICENCE = 'Licence Ouverte / Open Licence 2.0 (etalab-2.0)';
