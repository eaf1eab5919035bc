import { describe, expect, it } from 'vitest';
import { keyValuesErrors, normalisedProblems } from '../../../../test/support/smart-data-models';
import type { AirQualityRow, CarParkRow, StreetlightRow } from './opendata.schema';
import { airQualityEntity, normalise, offStreetParkingEntity, streetlightEntity } from './smart-data-models';

const laon = { tenant: '02408', commune: 'Laon', lat: 49.5641, lon: 3.6199 };
const lamp: StreetlightRow = { ...laon, id: 'lc-02408-1', name: 'Rue Châtelaine', cabinet: 'lc-02408-c1', status: 'ok', power_state: 'low', illuminance_level: 0.5, observed_at: '2026-12-01T22:10:00.000Z' };
const station: AirQualityRow = { ...laon, station: 'aq-02408-1', name: 'Station urbaine', date: '2026-12-01', pm25_ugm3: 12.3, pm10_ugm3: 20.1, no2_ugm3: 31, o3_ugm3: null, so2_ugm3: null, atmo_index: 2, atmo_label: 'moyen' };
const carPark: CarParkRow = { ...laon, id: 'cp-02408-1', name: 'Parking de la gare', total_spots: 120, occupied_spots: 110, available_spots: 10, occupancy: 0.917, status: 'almostFull', observed_at: '2026-12-01T08:05:00.000Z' };

describe('Smart Data Models entities', () => {
  it('a luminaire is a Streetlight that validates, its place in GeoJSON order (longitude first), its cabinet a relationship', () => {
    const e = streetlightEntity(lamp);
    expect(keyValuesErrors('Streetlight', e)).toEqual([]);
    expect(e).toMatchObject({ id: 'urn:ngsi-ld:Streetlight:02408:lc-02408-1', location: { type: 'Point', coordinates: [3.6199, 49.5641] }, powerState: 'low', illuminanceLevel: 0.5, refStreetlightControlCabinet: 'urn:ngsi-ld:StreetlightControlCabinet:02408:lc-02408-c1' });
    const n = normalise(e);
    expect(n.refStreetlightControlCabinet).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:StreetlightControlCabinet:02408:lc-02408-c1' });
    expect(n.illuminanceLevel).toEqual({ type: 'Property', value: 0.5, observedAt: '2026-12-01T22:10:00.000Z' });
  });

  it('a luminaire that reported nothing in the hour has no power state or level, and still validates (status is required)', () => {
    const e = streetlightEntity({ ...lamp, power_state: null, illuminance_level: null, observed_at: null, cabinet: null, name: null });
    expect(keyValuesErrors('Streetlight', e)).toEqual([]);
    expect(Object.keys(e)).not.toEqual(expect.arrayContaining(['powerState']));
    expect(e.status).toBe('ok');
  });

  it('a station\'s day is an AirQualityObserved at the day\'s Paris midnight, pollutants in µg/m³ (unitCode GQ), the ATMO index and label', () => {
    const e = airQualityEntity(station);
    expect(keyValuesErrors('AirQualityObserved', e)).toEqual([]);
    expect(e).toMatchObject({ dateObserved: '2026-11-30T23:00:00.000Z', airQualityIndex: 2, airQualityLevel: 'moyen', typeofLocation: 'outdoor' });
    expect(e).not.toHaveProperty('o3');
    expect(normalise(e).pm25).toEqual({ type: 'Property', value: 12.3, unitCode: 'GQ' });
    const unavailable = airQualityEntity({ ...station, atmo_index: null, atmo_label: 'indisponible' });
    expect(keyValuesErrors('AirQualityObserved', unavailable)).toEqual([]);
    expect(unavailable).not.toHaveProperty('airQualityIndex');
  });

  it('a car park is an OffStreetParking whose counts add up', () => {
    const e = offStreetParkingEntity(carPark);
    expect(keyValuesErrors('OffStreetParking', e)).toEqual([]);
    expect(e).toMatchObject({ totalSpotNumber: 120, occupiedSpotNumber: 110, availableSpotNumber: 10, occupancy: 0.917, status: ['almostFull'] });
  });

  it('the normalised form has the NGSI-LD structure and projects back onto the key-values entity', () => {
    for (const e of [streetlightEntity(lamp), airQualityEntity(station), offStreetParkingEntity(carPark)]) {
      const { problems, keyValues } = normalisedProblems(normalise(e));
      expect(problems).toEqual([]);
      expect(keyValues).toEqual(e);
    }
  });

  it('the schemas refuse what the models refuse (so a passing export means something)', () => {
    expect(keyValuesErrors('Streetlight', { ...streetlightEntity(lamp), illuminanceLevel: 50 })).not.toEqual([]);
    expect(keyValuesErrors('Streetlight', { ...streetlightEntity(lamp), powerState: 'dimmed' })).not.toEqual([]);
    expect(keyValuesErrors('OffStreetParking', { ...offStreetParkingEntity(carPark), occupiedSpotNumber: 1.5 })).not.toEqual([]);
    expect(keyValuesErrors('AirQualityObserved', { ...airQualityEntity(station), dateObserved: '1 December' })).not.toEqual([]);
    expect(keyValuesErrors('OffStreetParking', { ...offStreetParkingEntity(carPark), licensePlate: 'AB-123-CD' })).not.toEqual([]);
  });
});
