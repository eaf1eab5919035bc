import { describe, expect, it } from 'vitest';
import { atmoFromAggregates, atmoFromHourly, atmoOfArea, atmoSubIndex, thresholdExceeded, type AtmoPollutant } from './atmo';

const day = (value: number, hours = 24) => Array.from({ length: hours }, () => value);

describe('ATMO index (arrêté du 10 juillet 2020)', () => {
  it.each([
    // pollutant, value, sub-index: both sides of every bound
    ['pm25', 10, 1], ['pm25', 10.1, 2], ['pm25', 20, 2], ['pm25', 25, 3], ['pm25', 25.1, 4], ['pm25', 50, 4], ['pm25', 75, 5], ['pm25', 75.1, 6],
    ['pm10', 20, 1], ['pm10', 40, 2], ['pm10', 40.5, 3], ['pm10', 50, 3], ['pm10', 100, 4], ['pm10', 150, 5], ['pm10', 151, 6],
    ['no2', 40, 1], ['no2', 41, 2], ['no2', 90, 2], ['no2', 120, 3], ['no2', 230, 4], ['no2', 340, 5], ['no2', 341, 6],
    ['o3', 50, 1], ['o3', 100, 2], ['o3', 130, 3], ['o3', 131, 4], ['o3', 240, 4], ['o3', 380, 5], ['o3', 381, 6],
    ['so2', 100, 1], ['so2', 200, 2], ['so2', 350, 3], ['so2', 500, 4], ['so2', 750, 5], ['so2', 751, 6],
    ['pm10', 0, 1],
  ] as Array<[AtmoPollutant, number, number]>)('%s at %d µg/m³ → sub-index %d', (p, v, expected) => {
    expect(atmoSubIndex(p, v)).toBe(expected);
  });

  it('takes the worst sub-index and names the pollutants responsible', () => {
    const r = atmoFromAggregates({ pm25: 12, pm10: 45, no2: 60, o3: 125, so2: 5 });
    expect(r).toEqual({ available: true, index: 3, label: 'dégradé', responsible: ['pm10', 'o3'], subIndices: { pm25: 2, pm10: 3, no2: 2, o3: 3, so2: 1 } });
  });

  it('judges PM on the daily mean and the gases on the hourly maximum', () => {
    // PM10: 23 hours at 30 and one at 150 → mean 35 (moyen), not the peak; NO2: one hour at 110 → dégradé.
    const hourly = { pm25: day(8), pm10: [...day(30, 23), 150], no2: [...day(20, 23), 110], o3: day(40), so2: day(3) };
    const r = atmoFromHourly(hourly);
    expect(r).toMatchObject({ available: true, index: 3, label: 'dégradé', responsible: ['no2'], subIndices: { pm10: 2, no2: 3 } });
  });

  it('is "indisponible" when a pollutant the station measures has fewer than 18 hours, and names it', () => {
    const hourly = { pm25: day(8, 17), pm10: day(30), no2: day(20), o3: day(40), so2: [...day(3, 10), Number.NaN, ...day(3, 7)] };
    expect(atmoFromHourly(hourly)).toEqual({ available: false, label: 'indisponible', missing: ['pm25', 'so2'] });
    // A station that does not measure SO2 is judged on the others.
    expect(atmoFromHourly({ ...hourly, pm25: day(8, 18) }, ['pm25', 'pm10', 'no2', 'o3'])).toMatchObject({ available: true, index: 2 });
    expect(atmoFromHourly({}, [])).toMatchObject({ available: false });
  });

  it('gives an area the worst available station index, "indisponible" with none', () => {
    const a = atmoFromAggregates({ pm10: 30, no2: 20 });
    const b = atmoFromAggregates({ pm10: 60, no2: 20 });
    const none = atmoFromHourly({});
    expect(atmoOfArea([a, none, b])).toMatchObject({ index: 4, label: 'mauvais' });
    expect(atmoOfArea([none])).toMatchObject({ available: false, label: 'indisponible' });
    expect(atmoOfArea([])).toMatchObject({ available: false });
  });

  it('refuses a negative or non-finite concentration', () => {
    expect(() => atmoSubIndex('pm10', -1)).toThrow(RangeError);
    expect(() => atmoSubIndex('pm10', Number.NaN)).toThrow(RangeError);
  });
});

describe('information and alert thresholds', () => {
  it.each([
    ['pm10', 50, null], ['pm10', 50.1, 'information'], ['pm10', 80.1, 'alert'],
    ['no2', 200, null], ['no2', 201, 'information'], ['no2', 401, 'alert'],
    ['o3', 181, 'information'], ['o3', 241, 'alert'], ['so2', 301, 'information'], ['so2', 501, 'alert'],
  ] as const)('%s at %d → %s', (p, v, expected) => {
    expect(thresholdExceeded(p, v)).toBe(expected);
  });
});
