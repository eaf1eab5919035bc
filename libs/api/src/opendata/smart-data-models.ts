import { parisInstant } from '@hv/civil-time';
import type { AirQualityRow, CarParkRow, StreetlightRow } from './opendata.schema';

/**
 * The open datasets as FIWARE Smart Data Models entities in NGSI-LD: key-values (the
 * "simplified" representation, `options=keyValues`, which the models' JSON schemas
 * describe) and normalised (each attribute a Property, GeoProperty or Relationship).
 */

/** The NGSI-LD core context (ETSI GS CIM 009). */
export const NGSI_LD_CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld';
const sdmContext = (subject: string) => `https://raw.githubusercontent.com/smart-data-models/dataModel.${subject}/master/context.jsonld`;

export const SMART_DATA_MODELS = {
  Streetlight: { subject: 'Streetlighting', context: [sdmContext('Streetlighting'), NGSI_LD_CORE_CONTEXT] },
  AirQualityObserved: { subject: 'Environment', context: [sdmContext('Environment'), NGSI_LD_CORE_CONTEXT] },
  OffStreetParking: { subject: 'Parking', context: [sdmContext('Parking'), NGSI_LD_CORE_CONTEXT] },
} as const;
export type EntityType = keyof typeof SMART_DATA_MODELS;

/** An entity in key-values form. */
export type KeyValues = { id: string; type: EntityType; '@context': readonly string[] } & Record<string, unknown>;

/** UN/CEFACT unit codes of the properties that have a unit (NGSI-LD `unitCode`): GQ = µg/m³. */
const UNIT_CODES: Readonly<Record<string, string>> = { pm25: 'GQ', pm10: 'GQ', no2: 'GQ', o3: 'GQ', so2: 'GQ' };

/** `urn:ngsi-ld:<Type>:<tenant>:<id>`: device ids are unique platform-wide, the tenant makes the id readable. */
export const entityId = (type: string, ...parts: string[]) => `urn:ngsi-ld:${type}:${parts.join(':')}`;

const point = (r: { lat: number; lon: number }) => ({ type: 'Point', coordinates: [r.lon, r.lat] }); // GeoJSON: longitude first
const address = (r: { commune: string }) => ({ addressLocality: r.commune, addressCountry: 'FR' });
/** Copies the defined values only: an absent reading is an absent attribute, never null. */
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

export function streetlightEntity(r: StreetlightRow): KeyValues {
  return {
    id: entityId('Streetlight', r.tenant, r.id),
    type: 'Streetlight',
    ...defined({
      name: r.name,
      location: point(r),
      address: address(r),
      status: r.status,
      powerState: r.power_state,
      illuminanceLevel: r.illuminance_level,
      refStreetlightControlCabinet: r.cabinet && entityId('StreetlightControlCabinet', r.tenant, r.cabinet),
      observationDateTime: r.observed_at,
    }),
    '@context': SMART_DATA_MODELS.Streetlight.context,
  };
}

export function airQualityEntity(r: AirQualityRow): KeyValues {
  return {
    id: entityId('AirQualityObserved', r.tenant, r.station, r.date),
    type: 'AirQualityObserved',
    ...defined({
      name: r.name,
      dateObserved: new Date(parisInstant(r.date, 0)).toISOString(),
      location: point(r),
      address: address(r),
      typeofLocation: 'outdoor',
      pm25: r.pm25_ugm3,
      pm10: r.pm10_ugm3,
      no2: r.no2_ugm3,
      o3: r.o3_ugm3,
      so2: r.so2_ugm3,
      airQualityIndex: r.atmo_index,
      airQualityLevel: r.atmo_label,
      refDevice: entityId('Device', r.tenant, r.station),
    }),
    '@context': SMART_DATA_MODELS.AirQualityObserved.context,
  };
}

export function offStreetParkingEntity(r: CarParkRow): KeyValues {
  return {
    id: entityId('OffStreetParking', r.tenant, r.id),
    type: 'OffStreetParking',
    ...defined({
      name: r.name,
      location: point(r),
      address: address(r),
      totalSpotNumber: r.total_spots,
      occupiedSpotNumber: r.occupied_spots,
      availableSpotNumber: r.available_spots,
      occupancy: r.occupancy,
      status: [r.status],
      observationDateTime: r.observed_at,
    }),
    '@context': SMART_DATA_MODELS.OffStreetParking.context,
  };
}

/**
 * The normalised form (NGSI-LD §4.5): `location` a GeoProperty, `ref*` a Relationship
 * (`object`), the rest a Property (`value`, with `unitCode` where it has a unit, and
 * `observedAt` for the values read at `observationDateTime`).
 */
export function normalise(entity: KeyValues): Record<string, unknown> {
  const { id, type, '@context': context, ...attributes } = entity;
  const observedAt = typeof attributes.observationDateTime === 'string' ? attributes.observationDateTime : undefined;
  const out: Record<string, unknown> = { id, type };
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'location') out[name] = { type: 'GeoProperty', value };
    else if (name.startsWith('ref')) out[name] = { type: 'Relationship', object: value };
    else out[name] = { type: 'Property', value, ...(UNIT_CODES[name] ? { unitCode: UNIT_CODES[name] } : {}), ...(observedAt && DYNAMIC[type].has(name) ? { observedAt } : {}) };
  }
  out['@context'] = context;
  return out;
}

/** Properties read at `observationDateTime` (the others come from the registry or the alarms): they carry it as `observedAt`. */
const DYNAMIC: Readonly<Record<EntityType, ReadonlySet<string>>> = {
  Streetlight: new Set(['powerState', 'illuminanceLevel']),
  AirQualityObserved: new Set(),
  OffStreetParking: new Set(['occupiedSpotNumber', 'availableSpotNumber', 'occupancy', 'status']),
};
