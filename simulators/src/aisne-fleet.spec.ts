import { DEV_EUI_PATTERN, DEVICE_ID_PATTERN, DEVICE_TYPE_NAMES, DEVICE_TYPES, uplinkSchema } from '@hv/contracts';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aisneCommunes, aisneFleet, laonEpciFleet } from './aisne-fleet';
import { readFleetFile, writeFleetFile } from './fleet-file';
import { type Fleet, type SimDevice } from './fleet';
import { messages } from './stream';

// The reference data, read here independently of aisne-fleet.ts.
const etalab = (file: string): unknown => JSON.parse(readFileSync(createRequire(__filename).resolve(`@etalab/decoupage-administratif/data/${file}.json`), 'utf8'));
const communes02 = (etalab('communes') as Array<{ code: string; type: string; departement?: string; population?: number }>).filter(
  (c) => c.departement === '02' && c.type === 'commune-actuelle',
);
const epcis = etalab('epci') as Array<{ code: string; membres: Array<{ code: string }> }>;
const epciOf = new Map(epcis.flatMap((e) => e.membres.map((m) => [m.code, e.code] as const)));
const population = new Map(communes02.map((c) => [c.code, c.population!]));

const LAON = '02408';
const SAINT_QUENTIN = '02691';
const LAON_EPCI = '200043495';
const SEED = 'aisne';
const BIG_TEST_MS = 60_000;

const hash = (fleet: Fleet) => createHash('sha256').update(JSON.stringify(fleet)).digest('hex');
const countBy = <K extends string>(devices: readonly SimDevice[], key: (d: SimDevice) => K) => {
  const out = new Map<K, number>();
  for (const d of devices) out.set(key(d), (out.get(key(d)) ?? 0) + 1);
  return out;
};
const typeCounts = (fleet: Fleet) => Object.fromEntries(DEVICE_TYPE_NAMES.map((t) => [t, fleet.devices.filter((d) => d.type === t).length]));

const fleet = aisneFleet({ seed: SEED });
const lampsOf = (insee: string) => fleet.devices.filter((d) => d.tenant === insee && d.type === 'lighting-controller');

describe('aisneFleet() at scale 1', () => {
  it('has a plausible number of devices of every type (≈ 1 luminaire per 6 inhabitants, DOMAIN.md)', () => {
    const counts = typeCounts(fleet);
    expect(counts).toEqual({
      'lighting-controller': 87_284,
      'lighting-cabinet': 3_301,
      'boiler-room': 1_332,
      'air-station': 6,
      'co2-sensor': 2_271,
      'parking-spot': 1_331,
      'car-park': 13,
    });
    // The Aisne has 523,342 inhabitants in etalab 6.0.0 and "on the order of 90,000" points.
    const inhabitants = communes02.reduce((s, c) => s + c.population!, 0);
    expect(inhabitants).toBe(523_342);
    expect(counts['lighting-controller']).toBeGreaterThan(85_000);
    expect(counts['lighting-controller']).toBeLessThan(95_000);
    expect(counts['lighting-controller']! / counts['lighting-cabinet']!).toBeGreaterThan(20); // a few dozen lamps per cabinet
  });

  it('has every current commune of the Aisne as a tenant, with its EPCI from etalab', () => {
    // Violations are collected, not asserted one by one: 95,000 expect() calls take seconds.
    const bad: string[] = [];
    const tenants = new Map<string, string | null>();
    for (const d of fleet.devices) {
      if (!population.has(d.tenant)) bad.push(`${d.id}: tenant ${d.tenant}`);
      if (d.epci !== epciOf.get(d.tenant)) bad.push(`${d.id}: epci ${d.epci}`);
      tenants.set(d.tenant, d.epci);
    }
    expect(bad).toEqual([]);
    expect(tenants.size).toBe(communes02.length);
    expect(tenants.size).toBe(797);
    expect(new Set(tenants.values()).size).toBeGreaterThanOrEqual(18); // about 20 EPCI
    expect(tenants.get(LAON)).toBe(LAON_EPCI);
    expect(aisneCommunes().map((c) => c.insee)).toEqual([...population.keys()].sort());
  });

  it('scales lighting with population: one lamp per 6 inhabitants, at least 5', () => {
    const lamps = countBy(
      fleet.devices.filter((d) => d.type === 'lighting-controller'),
      (d) => d.tenant,
    );
    for (const [insee, pop] of population) expect(lamps.get(insee), insee).toBe(Math.max(5, Math.round(pop / 6)));
    const village = [...population].sort((a, b) => a[1] - b[1])[0]![0];
    expect(lampsOf(LAON).length).toBe(4_037);
    expect(lampsOf(LAON).length).toBeGreaterThan(100 * lampsOf(village).length);
    expect(lampsOf(SAINT_QUENTIN).length).toBeGreaterThan(lampsOf(LAON).length);
  });

  it('ids match the device id pattern and are unique; LoRaWAN devices have unique devEuis', () => {
    const bad: string[] = [];
    const ids = new Set<string>();
    const euis = new Set<string>();
    for (const d of fleet.devices) {
      if (!DEVICE_ID_PATTERN.test(d.id)) bad.push(`id ${d.id}`);
      if (d.domain !== DEVICE_TYPES[d.type].domain) bad.push(`${d.id}: domain ${d.domain}`);
      ids.add(d.id);
      if (d.type === 'parking-spot' || d.type === 'co2-sensor') {
        if (!DEV_EUI_PATTERN.test(d.devEui ?? '')) bad.push(`${d.id}: devEui ${d.devEui}`);
        euis.add(d.devEui!);
      } else if (d.devEui !== null) {
        bad.push(`${d.id}: devEui ${d.devEui}`);
      }
    }
    expect(bad).toEqual([]);
    expect(ids.size).toBe(fleet.devices.length);
    expect(euis.size).toBe(fleet.devices.filter((d) => d.devEui !== null).length);
    expect(lampsOf(LAON)[0]!.id).toBe('lc-02408-1');
    expect(lampsOf(LAON)[0]!.cabinet).toBe('lc-02408-c1');
  });

  it("puts every luminaire behind a cabinet of its own commune, whose lamp count and load add up", () => {
    const byId = new Map(fleet.devices.map((d) => [d.id, d]));
    const bad: string[] = [];
    const fed = new Map<string, { lamps: number; load: number }>();
    for (const d of fleet.devices) {
      if (d.type !== 'lighting-controller') {
        if (d.cabinet !== null) bad.push(`${d.id}: cabinet ${d.cabinet}`);
        continue;
      }
      const cab = byId.get(d.cabinet!);
      if (cab?.type !== 'lighting-cabinet' || cab.tenant !== d.tenant) {
        bad.push(`${d.id}: cabinet ${d.cabinet}`);
        continue;
      }
      const f = fed.get(cab.id) ?? { lamps: 0, load: 0 };
      f.lamps++;
      f.load += (d.attributes.rated_power_w as number) * (d.attributes.loss_factor as number);
      fed.set(cab.id, f);
    }
    expect(bad).toEqual([]);
    for (const cab of fleet.devices.filter((d) => d.type === 'lighting-cabinet')) {
      const f = fed.get(cab.id)!;
      expect(f.lamps, cab.id).toBe(cab.attributes.lamps);
      expect(f.lamps).toBeLessThanOrEqual(30);
      expect(cab.attributes.connected_load_w as number).toBeCloseTo(f.load, -1);
    }
  });

  it('gives luminaires the asset data of lightingFleet, and presence sensors to some', () => {
    const lamps = fleet.devices.filter((d) => d.type === 'lighting-controller');
    const bad = lamps.filter(({ attributes: a }) => {
      const w = a.rated_power_w as number;
      return (
        !(a.technology === 'led' ? w >= 30 && w <= 100 : a.technology === 'hps' && w >= 70 && w <= 150) ||
        !((a.colour_temp_k as number) <= 3000) || // arrêté du 27 décembre 2018
        !['full', 'dim', 'off'].includes(a.night_mode as string) ||
        !/^\d{4}-\d{2}-\d{2}$/.test(a.installed as string) ||
        typeof a.lat !== 'number' ||
        typeof a.lon !== 'number'
      );
    });
    expect(bad.map((l) => l.id)).toEqual([]);
    const withSensor = lamps.filter((l) => l.attributes.presence_sensor === true);
    expect(withSensor.length / lamps.length).toBeGreaterThan(0.02);
    expect(withSensor.length / lamps.length).toBeLessThan(0.25);
    expect(new Set(withSensor.map((l) => l.tenant)).size).toBeGreaterThan(100);
  });

  it('heats a town hall in every commune and more schools in bigger communes, with CO2 sensors in their classrooms', () => {
    const boilers = fleet.devices.filter((d) => d.type === 'boiler-room');
    expect(countBy(boilers.filter((b) => b.attributes.use === 'town-hall'), (b) => b.tenant).size).toBe(797);
    const schools = countBy(boilers.filter((b) => b.attributes.use === 'school'), (b) => b.tenant);
    expect(schools.get(SAINT_QUENTIN)!).toBeGreaterThan(schools.get(LAON)!);
    expect(schools.get(LAON)!).toBeGreaterThan(5);
    const schoolBuildings = new Set(boilers.filter((b) => b.attributes.use === 'school').map((b) => `${b.tenant}/${b.attributes.building}`));
    const co2 = fleet.devices.filter((d) => d.type === 'co2-sensor');
    for (const s of co2) {
      expect(s.attributes.use).toBe('school');
      expect(schoolBuildings.has(`${s.tenant}/${s.attributes.building}`), s.id).toBe(true);
    }
    expect(new Set(co2.map((s) => `${s.tenant}/${s.attributes.building}`)).size).toBe(schoolBuildings.size); // every school measured
    for (const b of boilers) expect(typeof b.attributes.building).toBe('string');
  });

  it('puts air stations, parking sensors and car parks in the five main towns only', () => {
    const top5 = [...population].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([insee]) => insee);
    expect(top5).toEqual(['02691', '02722', '02408', '02168', '02738']);
    for (const type of ['air-station', 'parking-spot', 'car-park'] as const) {
      const towns = new Set(fleet.devices.filter((d) => d.type === type).map((d) => d.tenant));
      expect([...towns].sort(), type).toEqual([...top5].sort());
    }
    const spots = countBy(fleet.devices.filter((d) => d.type === 'parking-spot'), (d) => d.tenant);
    expect(spots.get(SAINT_QUENTIN)).toBe(528);
  });

  it('produces payloads valid under the device contract for every type', () => {
    const sample = DEVICE_TYPE_NAMES.map((t) => fleet.devices.find((d) => d.type === t)!);
    const all = [...messages({ seed: SEED, devices: sample }, { seed: 1, count: 70, startMs: Date.parse('2025-12-21T18:00:00Z') })];
    for (const m of all) {
      const parsed = uplinkSchema(m.device.type, m.channel).safeParse(JSON.parse(m.payload.toString('utf8')));
      expect(parsed.success, m.topic).toBe(true);
    }
    expect(new Set(all.map((m) => m.device.type)).size).toBe(DEVICE_TYPE_NAMES.length);
  });
});

describe('aisneFleet() determinism and options', () => {
  it(
    'is deep-equal for the same seed and differs for another',
    () => {
      expect(hash(aisneFleet({ seed: SEED }))).toBe(hash(fleet));
      const other = aisneFleet({ seed: 'another' });
      expect(hash(other)).not.toBe(hash(fleet));
      // Same territory and sizes, different draws.
      expect({ ...typeCounts(other), 'co2-sensor': 0 }).toEqual({ ...typeCounts(fleet), 'co2-sensor': 0 }); // classrooms are drawn
      const watts = (f: Fleet) => f.devices.filter((d) => d.tenant === LAON && d.type === 'lighting-controller').map((d) => d.attributes.rated_power_w);
      expect(watts(other)).not.toEqual(watts(fleet));
      const sensors = (f: Fleet) => f.devices.filter((d) => d.attributes.presence_sensor).map((d) => d.id);
      expect(sensors(other)).not.toEqual(sensors(fleet));
    },
    BIG_TEST_MS,
  );

  it('keeps the devices of a commune, devEuis included, when others are filtered out', () => {
    const laon = aisneFleet({ seed: SEED, communes: [LAON] });
    expect(laon.devices).toEqual(fleet.devices.filter((d) => d.tenant === LAON));
  });

  it('scales luminaires and on-street spots with scale', () => {
    const small = aisneFleet({ seed: SEED, scale: 0.1 });
    const counts = typeCounts(small);
    expect(counts['lighting-controller']).toBeGreaterThan(8_000);
    expect(counts['lighting-controller']).toBeLessThan(10_000);
    expect(counts['parking-spot']).toBe(133);
    expect(counts['boiler-room']).toBe(1_332); // the buildings are the territory's
    for (const insee of population.keys()) expect(small.devices.some((d) => d.tenant === insee && d.type === 'lighting-controller'), insee).toBe(true);
  });

  it('rejects a bad scale or a commune that is not a current commune of the Aisne', () => {
    expect(() => aisneFleet({ seed: 1, scale: 0 })).toThrow(/scale/);
    expect(() => aisneFleet({ seed: 1, scale: Number.NaN })).toThrow(/scale/);
    expect(() => aisneFleet({ seed: 1, communes: [LAON, '59350'] })).toThrow(/59350/);
  });
});

describe('laonEpciFleet()', () => {
  it('covers every commune of the CA du Pays de Laon', () => {
    const laon = laonEpciFleet(SEED);
    const members = epcis.find((e) => e.code === LAON_EPCI)!.membres.map((m) => m.code);
    expect(members).toHaveLength(38);
    expect([...new Set(laon.devices.map((d) => d.tenant))].sort()).toEqual([...members].sort());
    for (const d of laon.devices) expect(d.epci).toBe(LAON_EPCI);
    expect(laon.devices).toEqual(fleet.devices.filter((d) => d.epci === LAON_EPCI));
    expect(typeCounts(laon)).toEqual({
      'lighting-controller': 6_978,
      'lighting-cabinet': 252,
      'boiler-room': 76,
      'air-station': 1,
      'co2-sensor': 175,
      'parking-spot': 242,
      'car-park': 2,
    });
  });
});

describe('fleet files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hv-fleet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const laon = laonEpciFleet(SEED);
  // Every type, a few hundred devices: corrupting and re-reading it is quick.
  const small = aisneFleet({ seed: SEED, communes: [LAON], scale: 0.05 });

  it('round-trips a fleet through a JSON file', () => {
    const path = join(dir, 'sub', 'laon.json');
    writeFleetFile(laon, path);
    const back = readFleetFile(path);
    expect(back).toEqual(laon);
    expect(hash(back)).toBe(hash(laon));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(laon); // plain JSON
  });

  it(
    'round-trips the whole Aisne',
    () => {
      const path = join(dir, 'aisne.json');
      writeFleetFile(fleet, path);
      expect(hash(readFleetFile(path))).toBe(hash(fleet));
    },
    BIG_TEST_MS,
  );

  const corrupt = (name: string, edit: (f: { seed: unknown; devices: Array<Record<string, unknown>> }) => void) => {
    const f = JSON.parse(JSON.stringify(small));
    edit(f);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(f));
    return () => readFleetFile(path);
  };

  it('names the bad field of a corrupted file', () => {
    expect(new Set(small.devices.map((d) => d.type)).size).toBe(DEVICE_TYPE_NAMES.length);
    const lampIndex = small.devices.findIndex((d) => d.type === 'lighting-controller');
    const spotIndex = small.devices.findIndex((d) => d.type === 'parking-spot');
    expect(corrupt('bad-id', (f) => (f.devices[3]!.id = 'LC 02408/1'))).toThrow(/devices\[3\]\.id: device id must match/);
    expect(corrupt('bad-type', (f) => (f.devices[7]!.type = 'toaster'))).toThrow(/devices\[7\]\.type/);
    expect(corrupt('no-tenant', (f) => delete f.devices[2]!.tenant)).toThrow(/devices\[2\]\.tenant/);
    expect(corrupt('bad-eui', (f) => (f.devices[spotIndex]!.devEui = 'xyz'))).toThrow(new RegExp(`devices\\[${spotIndex}\\]\\.devEui`));
    expect(corrupt('dup-eui', (f) => (f.devices[spotIndex + 1]!.devEui = f.devices[spotIndex]!.devEui))).toThrow(/duplicate devEui/);
    expect(corrupt('dangling', (f) => (f.devices[lampIndex]!.cabinet = 'lc-02408-c999'))).toThrow(
      new RegExp(`devices\\[${lampIndex}\\]\\.cabinet: cabinet "lc-02408-c999" is not a lighting-cabinet`),
    );
    expect(corrupt('dup-id', (f) => (f.devices[5]!.id = f.devices[4]!.id))).toThrow(/devices\[5\]\.id: duplicate device id/);
    expect(corrupt('wrong-domain', (f) => (f.devices[0]!.domain = 'air'))).toThrow(/devices\[0\]\.domain/);
    expect(corrupt('no-devices', (f) => delete (f as { devices?: unknown }).devices)).toThrow(/devices: /);
    expect(corrupt('attrs', (f) => (f.devices[1]!.attributes = [] as unknown as Record<string, unknown>))).toThrow(/devices\[1\]\.attributes/);

    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, readFileSync(join(dir, 'sub', 'laon.json'), 'utf8').slice(0, 5_000));
    expect(() => readFleetFile(truncated)).toThrow(/truncated\.json: not valid JSON/);
    expect(() => readFleetFile(join(dir, 'missing.json'))).toThrow(/missing\.json/);
  }, BIG_TEST_MS);
});
