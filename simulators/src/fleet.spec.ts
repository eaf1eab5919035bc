import { DEV_EUI_PATTERN, DEVICE_ID_PATTERN, DEVICE_TYPE_NAMES, DEVICE_TYPES, TENANT_ID_PATTERN } from '@hv/contracts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { demoFleet, devicesOf, lightingFleet, mixedFleet, type Fleet } from './fleet';
import { KNOWN_COMMUNES } from './places';

const TENANTS = [{ tenant: '02408' }, { tenant: '02691' }, { tenant: '02722', epci: null }, { tenant: '02050' }];
const PER_TENANT = {
  'lighting-controller': 12,
  'lighting-cabinet': 2,
  'boiler-room': 2,
  'air-station': 1,
  'co2-sensor': 3,
  'parking-spot': 5,
  'car-park': 1,
} as const;
// Read, not imported: a typed import of this 4 MB file doubles the project's type-check time.
const epcis: unknown = JSON.parse(readFileSync(createRequire(__filename).resolve('@etalab/decoupage-administratif/data/epci.json'), 'utf8'));
const mixed = (seed: number | string = 7) => mixedFleet({ seed, tenants: TENANTS, perTenant: PER_TENANT });

function expectSane(fleet: Fleet) {
  const ids = new Set<string>();
  for (const d of fleet.devices) {
    expect(d.id).toMatch(DEVICE_ID_PATTERN);
    expect(d.tenant).toMatch(TENANT_ID_PATTERN);
    expect(d.domain).toBe(DEVICE_TYPES[d.type].domain);
    expect(ids.has(d.id)).toBe(false);
    ids.add(d.id);
    const { lat, lon } = d.attributes as { lat: number; lon: number };
    expect(lat).toBeGreaterThanOrEqual(49.2);
    expect(lat).toBeLessThanOrEqual(49.9);
    expect(lon).toBeGreaterThanOrEqual(3.0);
    expect(lon).toBeLessThanOrEqual(4.2);
  }
}

describe('lightingFleet', () => {
  const fleet = lightingFleet({ seed: 1, tenant: '02408', controllers: 75 });

  it('names cabinets lc-{tenant}-c{n} and controllers lc-{tenant}-{n}, each controller fed by a cabinet', () => {
    expectSane(fleet);
    const cabinets = fleet.devices.filter((d) => d.type === 'lighting-cabinet');
    const lamps = fleet.devices.filter((d) => d.type === 'lighting-controller');
    expect(cabinets.map((d) => d.id)).toEqual(['lc-02408-c1', 'lc-02408-c2', 'lc-02408-c3']);
    expect(lamps).toHaveLength(75);
    expect(lamps[0]!.id).toBe('lc-02408-1');
    expect(lamps[74]!.id).toBe('lc-02408-75');
    const cabinetIds = new Set(cabinets.map((c) => c.id));
    for (const l of lamps) expect(cabinetIds.has(l.cabinet!)).toBe(true);
  });

  it('gives luminaires a rated power within the LED and sodium ranges, and cabinets their connected load', () => {
    for (const l of fleet.devices.filter((d) => d.type === 'lighting-controller')) {
      const a = l.attributes as { technology: string; rated_power_w: number; colour_temp_k: number };
      if (a.technology === 'led') expect(a.rated_power_w).toBeGreaterThanOrEqual(30);
      expect(a.rated_power_w).toBeLessThanOrEqual(150);
      expect(a.colour_temp_k).toBeLessThanOrEqual(3000); // arrêté du 27 décembre 2018
    }
    const total = fleet.devices.filter((d) => d.type === 'lighting-cabinet').reduce((s, c) => s + (c.attributes.lamps as number), 0);
    expect(total).toBe(75);
  });

  it('rejects a tenant that is not an INSEE or SIREN code', () => {
    expect(() => lightingFleet({ seed: 1, tenant: 'Laon', controllers: 1 })).toThrow(/tenant/);
  });
});

describe('demoFleet', () => {
  it('is Laon (02408) in the CA du Pays de Laon, whose SIREN is the one etalab publishes', () => {
    const fleet = demoFleet();
    const ca = (epcis as Array<{ code: string; nom: string; membres: Array<{ code: string }> }>).find((e) => e.membres.some((m) => m.code === '02408'))!;
    expect(ca.nom).toBe('CA du Pays de Laon');
    for (const d of fleet.devices) {
      expect(d.tenant).toBe('02408');
      expect(d.epci).toBe(ca.code);
    }
    expectSane(fleet);
  });

  it('has the EPCI of every known commune right', () => {
    const list = epcis as Array<{ code: string; membres: Array<{ code: string }> }>;
    for (const [insee, c] of Object.entries(KNOWN_COMMUNES)) {
      expect(list.find((e) => e.membres.some((m) => m.code === insee))?.code, insee).toBe(c.epci);
    }
  });
});

describe('mixedFleet', () => {
  const fleet = mixed();

  it('builds the requested number of every type for every tenant', () => {
    expectSane(fleet);
    for (const { tenant } of TENANTS) {
      for (const type of DEVICE_TYPE_NAMES) {
        expect(fleet.devices.filter((d) => d.tenant === tenant && d.type === type)).toHaveLength(PER_TENANT[type]);
      }
    }
  });

  it('resolves the EPCI of known communes, keeps an explicit null, and has none for unknown ones', () => {
    const epciOf = (t: string) => fleet.devices.find((d) => d.tenant === t)!.epci;
    expect(epciOf('02408')).toBe('200043495');
    expect(epciOf('02691')).toBe('200071892');
    expect(epciOf('02722')).toBeNull();
    expect(epciOf('02050')).toBeNull();
  });

  it('gives parking spots and CO2 sensors unique devEuis, and the others none', () => {
    const euis = new Set<string>();
    for (const d of fleet.devices) {
      if (d.type === 'parking-spot' || d.type === 'co2-sensor') {
        expect(d.devEui).toMatch(DEV_EUI_PATTERN);
        euis.add(d.devEui!);
      } else {
        expect(d.devEui).toBeNull();
      }
    }
    expect(euis.size).toBe(TENANTS.length * (PER_TENANT['parking-spot'] + PER_TENANT['co2-sensor']));
  });

  it('is identical for the same seed and differs for another', () => {
    expect(JSON.stringify(mixed(7))).toBe(JSON.stringify(mixed(7)));
    expect(JSON.stringify(mixed(8).devices)).not.toBe(JSON.stringify(mixed(7).devices));
  });

  it('devicesOf() gives the registry view ingest needs', () => {
    const [first] = devicesOf(fleet);
    expect(Object.keys(first!).sort()).toEqual(['cabinet', 'devEui', 'epci', 'id', 'tenant', 'type']);
  });
});
