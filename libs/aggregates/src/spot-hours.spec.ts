import { describe, expect, it } from 'vitest';
import { measurementCatalogue } from '@hv/contracts';
import { SPOT_STATE_HOLD_MS, spotHourPoints, type SpotSample } from './spot-hours';

const T0 = Date.parse('2026-01-12T08:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const spot = (device: string, samples: Array<[minutes: number, occupied: boolean]>, tenant = '02408') => ({
  device,
  tenant,
  epci: '200043495',
  samples: samples.map(([m, occupied]): SpotSample => ({ timeMs: T0 + m * MIN, occupied })),
});

describe('on-street spots per commune and hour', () => {
  it('counts occupied and observed spot-time between samples, and an arrival where a free spot is seen occupied', () => {
    // Free from 07:00, taken at 08:20, left at 09:10, taken again at 09:40 until the next heartbeat at 10:40.
    const points = spotHourPoints([spot('ps-1', [[-60, false], [20, true], [70, false], [100, true], [160, true]])], T0, T0 + 2 * HOUR);
    expect(points.map((p) => [new Date(p.timestampMs).toISOString(), p.fields])).toEqual([
      ['2026-01-12T08:00:00.000Z', { occupied_h: 40 / 60, observed_h: 1, arrivals: 1, spots: 1 }],
      ['2026-01-12T09:00:00.000Z', { occupied_h: 10 / 60 + 20 / 60, observed_h: 1, arrivals: 1, spots: 1 }],
    ]);
    expect(points[0]!.tags).toEqual({ tenant: '02408', epci: '200043495' });
  });

  it('sums the spots of a commune, each counted once per hour', () => {
    const points = spotHourPoints([spot('ps-1', [[-10, true]]), spot('ps-2', [[-10, false], [30, true]])], T0, T0 + HOUR);
    expect(points).toHaveLength(1);
    expect(points[0]!.fields).toEqual({ occupied_h: 1.5, observed_h: 2, arrivals: 1, spots: 2 });
  });

  it('stops holding a state after SPOT_STATE_HOLD_MS: a silent sensor is not observed, and its next sample is no arrival', () => {
    const holdMin = SPOT_STATE_HOLD_MS / MIN;
    const points = spotHourPoints([spot('ps-1', [[0, false], [holdMin + 30, true]])], T0, T0 + 5 * HOUR);
    const observed = points.reduce((s, p) => s + (p.fields.observed_h as number), 0);
    // Free for the hold, unknown for 30 min, then occupied until the end of the period.
    expect(observed * 60).toBeCloseTo(holdMin + (300 - holdMin - 30), 9);
    expect(points.reduce((s, p) => s + (p.fields.arrivals as number), 0)).toBe(0);
  });

  it('takes the state at the start of the period from the sample before it, and counts only arrivals inside the period', () => {
    const points = spotHourPoints([spot('ps-1', [[-120, false], [-30, true]])], T0, T0 + HOUR);
    expect(points.map((p) => p.fields)).toEqual([{ occupied_h: 1, observed_h: 1, arrivals: 0, spots: 1 }]);
  });

  it('gives one point per commune, with the fields the contract declares', () => {
    const points = spotHourPoints([spot('ps-1', [[0, true]]), spot('ps-9', [[0, false]], '02691')], T0, T0 + HOUR);
    expect(points.map((p) => p.tags.tenant).sort()).toEqual(['02408', '02691']);
    const declared = [...measurementCatalogue().get(points[0]!.measurement)!.fields].sort();
    for (const p of points) expect(Object.keys(p.fields).sort()).toEqual(declared);
  });
});
