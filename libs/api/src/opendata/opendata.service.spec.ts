import { describe, expect, it } from 'vitest';
import type { OpenObject, OpenObjectsRepository } from './open-objects.repository';
import type { CarParkCount, LightingBase, OpenReadingsRepository, StationDay } from './open-readings.repository';
import { OpenDataService } from './opendata.service';

const NOW = Date.parse('2026-12-04T20:00:00Z');
const object = (id: string, over: Partial<OpenObject> = {}): OpenObject => ({ id, tenant: '02408', commune: 'Laon', name: null, lat: 49.56, lon: 3.62, cabinet: null, ...over });

/** The service over in-memory repositories: what the registry and InfluxDB would answer. */
function service(objects: OpenObject[], readings: { lighting?: Record<string, LightingBase>; carParks?: Record<string, CarParkCount>; air?: Record<string, StationDay> }, alarms: Record<string, string[]> = {}) {
  const seen: { windows: Array<[number, number]> } = { windows: [] };
  const objectsRepo = {
    page: async (_type: string, _tenants: string[] | null, limit: number, offset: number) => ({ total: objects.length, objects: objects.slice(offset, offset + limit) }),
    openAlarmTypes: async () => new Map(Object.entries(alarms)),
  } as unknown as OpenObjectsRepository;
  const readingsRepo = {
    lightingBase: async (_t: string[], from: number, to: number) => (seen.windows.push([from, to]), new Map(Object.entries(readings.lighting ?? {}))),
    carParks: async (_t: string[], from: number, to: number) => (seen.windows.push([from, to]), new Map(Object.entries(readings.carParks ?? {}))),
    airDay: async (_t: string[], from: number, to: number) => (seen.windows.push([from, to]), new Map(Object.entries(readings.air ?? {}))),
  } as unknown as OpenReadingsRepository;
  return { svc: new OpenDataService(objectsRepo, readingsRepo), seen };
}

describe('open datasets', () => {
  it('a luminaire\'s power state follows its lowest level of the last hour: off at 0, low when dimmed, on at full; none without readings', async () => {
    const { svc, seen } = service([object('a'), object('b'), object('c'), object('d')], {
      lighting: { a: { minLevelPct: 0, lastMs: NOW - 60_000 }, b: { minLevelPct: 50, lastMs: NOW - 60_000 }, c: { minLevelPct: 100, lastMs: NOW - 60_000 } },
    });
    const { rows } = await svc.streetlights(null, 100, 0, NOW);
    expect(rows.map((r) => [r.id, r.power_state, r.illuminance_level])).toEqual([['a', 'off', 0], ['b', 'low', 0.5], ['c', 'on', 1], ['d', null, null]]);
    expect(rows[3]!.observed_at).toBeNull();
    expect(seen.windows[0]).toEqual([NOW - 3_600_000, NOW + 300_000]);
  });

  it('a luminaire is a defective lamp while a lamp failure, cycling or power drift is open; silence or a supply loss says nothing of the lamp', async () => {
    const objects = ['failed', 'cycling', 'silent', 'supply'].map((id) => object(id));
    const { svc } = service(objects, {}, { failed: ['lamp_failure'], cycling: ['communication_loss', 'cycling'], silent: ['communication_loss'], supply: ['supply_loss'] });
    const { rows } = await svc.streetlights(null, 100, 0, NOW);
    expect(rows.map((r) => r.status)).toEqual(['defectiveLamp', 'defectiveLamp', 'ok', 'ok']);
  });

  it('a car park is full at capacity, almost full from 90 %, and left out without a count in the last hour', async () => {
    const t = NOW - 120_000;
    const { svc } = service([object('full'), object('almost'), object('free'), object('silent')], {
      carParks: { full: { occupied: 120, capacity: 120, timeMs: t }, almost: { occupied: 108, capacity: 120, timeMs: t }, free: { occupied: 20, capacity: 120, timeMs: t } },
    });
    const page = await svc.carParks(null, 100, 0, NOW);
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => [r.id, r.status, r.available_spots, r.occupancy])).toEqual([['full', 'full', 0, 1], ['almost', 'almostFull', 12, 0.9], ['free', 'spacesAvailable', 100, 0.167]]);
  });

  it('a station\'s day is read over that Paris day; an unavailable index is labelled indisponible, a station without readings left out', async () => {
    const { svc, seen } = service([object('aq-1'), object('aq-2'), object('aq-3')], {
      air: { 'aq-1': { means: { pm10: 21.04, no2: 30 }, atmoIndex: 2 }, 'aq-2': { means: { pm10: 12 }, atmoIndex: null } },
    });
    const { rows } = await svc.airQuality(null, '2026-12-03', 100, 0);
    expect(rows.map((r) => [r.station, r.pm10_ugm3, r.no2_ugm3, r.atmo_index, r.atmo_label])).toEqual([['aq-1', 21, 30, 2, 'moyen'], ['aq-2', 12, null, null, 'indisponible']]);
    expect(seen.windows[0]).toEqual([Date.parse('2026-12-02T23:00:00Z'), Date.parse('2026-12-03T23:00:00Z')]);
  });
});
