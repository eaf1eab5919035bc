import { describe, expect, it } from 'vitest';
import { parisInstant } from '@hv/civil-time';
import { atmoPoints, type StationHour } from './atmo-day';

const DAY = '2026-07-14';
const day0 = parisInstant(DAY, 0);
const hours = (device: string, epci: string | null, count: number, means: StationHour['means']): StationHour[] =>
  Array.from({ length: count }, (_, h) => ({ tenant: '02408', device, epci, timeMs: day0 + h * 3_600_000, means }));

describe('ATMO points of a day', () => {
  it('indexes each station on the pollutants it measures and each EPCI on its worst station', () => {
    const points = atmoPoints(DAY, [
      ...hours('aq-a', '200043495', 24, { pm10: 30, o3: 120, no2: 20 }), // PM10 moyen (2), O3 dégradé (3)
      ...hours('aq-b', '200043495', 24, { pm10: 60, pm25: 12 }), // PM10 mauvais (4)
    ]);
    expect(points.map((p) => [p.tags.scope, p.tags.device ?? p.tags.epci, p.fields.index, p.fields.responsible])).toEqual([
      ['station', 'aq-a', 3, 'o3'],
      ['station', 'aq-b', 4, 'pm10'],
      ['epci', '200043495', 4, 'pm10'],
    ]);
    expect(points[2]!.fields.stations).toBe(2);
    // The day's Paris midnight: 22:00 UTC the day before in summer.
    expect(new Date(points[0]!.timestampMs).toISOString()).toBe('2026-07-13T22:00:00.000Z');
  });

  it('says "indisponible" (available 0, no index) for a station with fewer than 18 hours of a pollutant, and does not let it make the EPCI worse', () => {
    const points = atmoPoints(DAY, [...hours('aq-a', '200043495', 24, { pm10: 10 }), ...hours('aq-b', '200043495', 17, { pm10: 140 })]);
    const b = points.find((p) => p.tags.device === 'aq-b')!;
    expect(b.fields).toEqual({ available: 0 });
    expect(points.find((p) => p.tags.scope === 'epci')!.fields).toMatchObject({ available: 1, index: 1, stations: 1 });
  });
});
