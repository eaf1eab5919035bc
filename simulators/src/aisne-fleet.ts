import { DEVICE_ID_PATTERN, domainOf, type DeviceType } from '@hv/contracts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { type BuildingUse } from './env/environment';
import { drawLuminaire, drawNightPolicy, feedFromCabinet, ID_PREFIXES, NOMINAL_PRESSURE_BAR, type Fleet, type SimDevice } from './fleet';
import { AISNE_BOUNDS, BUILDING_NAMES, CA_PAYS_DE_LAON, CAR_PARK_NAMES, KNOWN_COMMUNES } from './places';
import { Random, type Seed } from './random';

/**
 * The reference fleet of the whole Aisne: every current commune of département 02 in
 * `@etalab/decoupage-administratif` 6.0.0 is a tenant (id = INSEE code, epci = the SIREN of
 * the EPCI that lists it among its `membres`), equipped in proportion to its population
 * (DOMAIN.md): ≈ 1 luminaire per 6 inhabitants behind cabinets of ≈ 30, a boiler room in the
 * town hall and in each school (more schools in bigger communes), CO2 sensors in the
 * classrooms, and air stations, on-street parking sensors and car parks in the main towns.
 *
 * A commune's devices depend only on (seed, commune, scale): filtering communes gives the
 * same devices for the communes kept. etalab publishes no coordinates, so communes outside
 * KNOWN_COMMUNES get a seeded centre inside AISNE_BOUNDS, as lightingFleet does. Luminaires
 * and cabinets carry the attributes lightingFleet gives them, plus `presence_sensor: true`
 * (and `presence_hold_s`) on the lamps fitted with presence detection.
 */

/** DOMAIN.md: France has ≈ 1 public lighting point per 6 inhabitants. */
export const INHABITANTS_PER_LUMINAIRE = 6;
/** Even the smallest village lights its main street. */
export const MIN_LUMINAIRES_PER_COMMUNE = 5;
/** Air stations, on-street parking sensors and car parks: the most populous communes only. */
export const MAIN_TOWN_COUNT = 5;

const AISNE = '02';
/** Scatter of buildings around the commune centre, degrees (≈ 1.5 km). */
const TOWN_RADIUS_DEG = 0.015;

export interface AisneCommune {
  /** INSEE code. */
  insee: string;
  name: string;
  /** SIREN of its EPCI, null when etalab lists it in none. */
  epci: string | null;
  population: number;
}

export interface AisneFleetOptions {
  seed: Seed;
  /** INSEE codes to keep (current communes of the Aisne only); default all of them. */
  communes?: readonly string[];
  /** Multiplies luminaires (hence cabinets) and on-street parking spots; buildings, stations and car parks are the territory's. Default 1. */
  scale?: number;
}

/** The current communes of the Aisne (etalab 6.0.0), sorted by INSEE code; read once. */
export function aisneCommunes(): readonly AisneCommune[] {
  return (communesCache ??= loadCommunes());
}

/** The deterministic reference fleet of the Aisne (≈ 87,000 luminaires at scale 1). */
export function aisneFleet(options: AisneFleetOptions): Fleet {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const all = aisneCommunes();
  const byInsee = new Map(all.map((c) => [c.insee, c]));
  let selected = all;
  if (options.communes) {
    const unknown = options.communes.filter((code) => !byInsee.has(code));
    if (unknown.length > 0) throw new RangeError(`not current communes of the Aisne (02): ${unknown.slice(0, 10).join(', ')}`);
    const keep = new Set(options.communes);
    selected = all.filter((c) => keep.has(c.insee));
  }
  // Ranked over the whole département, so that a filter does not promote a village.
  const mainTowns = new Set(
    [...all]
      .sort((a, b) => b.population - a.population || a.insee.localeCompare(b.insee))
      .slice(0, MAIN_TOWN_COUNT)
      .map((c) => c.insee),
  );

  const devices: SimDevice[] = [];
  for (const commune of selected) devices.push(...communeDevices(options.seed, commune, scale, mainTowns.has(commune.insee)));
  assignDevEuis(options.seed, devices);
  return { seed: options.seed, devices };
}

/** Every commune of the CA du Pays de Laon (SIREN 200043495), 38 communes around Laon. */
export function laonEpciFleet(seed: Seed): Fleet {
  const communes = aisneCommunes()
    .filter((c) => c.epci === CA_PAYS_DE_LAON)
    .map((c) => c.insee);
  return aisneFleet({ seed, communes });
}

// ---------------------------------------------------------------------------------------
// Devices of one commune

function communeDevices(seed: Seed, c: AisneCommune, scale: number, mainTown: boolean): SimDevice[] {
  const rng = (...purpose: Seed[]) => new Random(seed, 'aisne', c.insee, ...purpose);
  const controllers = Math.max(1, Math.round(Math.max(MIN_LUMINAIRES_PER_COMMUNE, c.population / INHABITANTS_PER_LUMINAIRE) * scale));
  const known = KNOWN_COMMUNES[c.insee];
  const centreRng = rng('centre');
  const centre = {
    lat: known?.lat ?? round6(centreRng.uniform(AISNE_BOUNDS.latMin + 0.05, AISNE_BOUNDS.latMax - 0.05)),
    lon: known?.lon ?? round6(centreRng.uniform(AISNE_BOUNDS.lonMin + 0.05, AISNE_BOUNDS.lonMax - 0.05)),
  };
  const make = (type: DeviceType, n: number | string, attributes: Record<string, unknown>): SimDevice => {
    const id = `${ID_PREFIXES[type]}-${c.insee}-${n}`;
    if (!DEVICE_ID_PATTERN.test(id)) throw new RangeError(`generated device id "${id}" breaks the id pattern`);
    return { id, tenant: c.insee, type, domain: domainOf(type), devEui: null, epci: c.epci, cabinet: null, attributes };
  };
  const lighting = lightingDevices(rng, centre, controllers, make);

  const buildings = publicBuildings(rng('buildings'), c, centre);
  const boilers = buildings.map((b, i) => make('boiler-room', i + 1, boilerAttributes(rng('boiler-room', i + 1), b)));

  const co2: SimDevice[] = [];
  const classRng = rng('co2-sensor');
  for (const school of buildings.filter((b) => b.use === 'school')) {
    const classrooms = c.population < 1_000 ? classRng.int(2, 4) : classRng.int(4, 10);
    for (let room = 1; room <= classrooms; room++) {
      co2.push(
        make('co2-sensor', co2.length + 1, {
          lat: school.lat,
          lon: school.lon,
          building: school.building,
          use: 'school' satisfies BuildingUse,
          room: `Salle ${room}`,
          volume_m3: classRng.int(150, 220),
          occupants: classRng.int(18, 30),
          air_changes_per_h: round2(classRng.uniform(1, 3)),
        }),
      );
    }
  }

  const others: SimDevice[] = [];
  if (mainTown) {
    const stationRng = rng('air-station');
    const stations = Math.max(1, Math.round(c.population / 25_000));
    for (let n = 1; n <= stations; n++) {
      const exposure = (['urban', 'traffic', 'suburban'] as const)[(n - 1) % 3]!;
      const label = { urban: 'urbaine', traffic: 'trafic', suburban: 'périurbaine' }[exposure];
      others.push(make('air-station', n, { ...scatter(stationRng, centre, TOWN_RADIUS_DEG), name: `Station ${label} — ${c.name}`, exposure }));
    }

    const parkRng = rng('car-park');
    const carParks = Math.min(CAR_PARK_NAMES.length, Math.max(1, Math.round(c.population / 10_000)));
    for (let n = 1; n <= carParks; n++) {
      others.push(
        make('car-park', n, {
          ...scatter(parkRng, centre, TOWN_RADIUS_DEG),
          name: `${CAR_PARK_NAMES[n - 1]} — ${c.name}`,
          capacity: parkRng.pick([80, 120, 150, 220, 350, 500]),
          profile: n === 1 ? 'station' : parkRng.pick(['commuter', 'shopping']),
          category: 'offStreet',
        }),
      );
    }

    // ≈ 1 sensed on-street spot per 100 inhabitants, in the town centre.
    const spotRng = rng('parking-spot');
    const spots = Math.max(1, Math.round((c.population / 100) * scale));
    for (let n = 1; n <= spots; n++) {
      const zone = spotRng.weighted([['blue', 0.5], ['paid', 0.3], ['free', 0.2]] as const);
      others.push(
        make('parking-spot', n, {
          ...scatter(spotRng, centre, TOWN_RADIUS_DEG / 3),
          zone,
          max_stay_s: zone === 'blue' ? 5_400 : zone === 'paid' ? 7_200 : 0, // blue zone 1 h 30 (DOMAIN.md); 0 = no limit
          category: 'onStreet',
        }),
      );
    }
  }
  return [...lighting, ...boilers, ...co2, ...others];
}

/** Average luminaires per cabinet ("a few dozen", as lightingFleet). */
const LAMPS_PER_CABINET = 30;
/** Scatter of luminaires around their cabinet, degrees (≈ 300 m). */
const STREET_RADIUS_DEG = 0.003;

type Make = (type: DeviceType, n: number | string, attributes: Record<string, unknown>) => SimDevice;

/**
 * Cabinets `lc-{insee}-c{n}` feeding controllers `lc-{insee}-{n}`, with the attributes and
 * draws of fleet.ts's lightingDevices (same names, same ranges), plus presence sensors.
 * Written out rather than calling lightingFleet(): its object spreads cost ≈ 20 µs a lamp,
 * 2 s for the Aisne's 87,000, where these literals take a tenth of that.
 */
function lightingDevices(rng: (...purpose: Seed[]) => Random, centre: { lat: number; lon: number }, controllers: number, make: Make): SimDevice[] {
  const cabinets = Math.ceil(controllers / LAMPS_PER_CABINET);
  const policy = drawNightPolicy(rng('lighting-policy'));

  const cabRng = rng('lighting-cabinet');
  const cabs: SimDevice[] = [];
  for (let n = 1; n <= cabinets; n++) {
    const at = scatter(cabRng, centre, TOWN_RADIUS_DEG);
    const s0 = cabRng.uniform(0.31, 0.35);
    const s1 = cabRng.uniform(0.31, 0.35);
    cabs.push(
      make('lighting-cabinet', `c${n}`, {
        lat: at.lat,
        lon: at.lon,
        ...policy,
        lamps: 0,
        connected_load_w: 0,
        phase_share: [round3(s0), round3(s1), round3(1 - s0 - s1)],
        own_consumption_w: round1(cabRng.uniform(4, 9)),
      }),
    );
  }

  // About a third of the communes have fitted presence detection on 10–40 % of their lamps.
  const presenceRng = rng('presence');
  const presenceShare = presenceRng.chance(0.35) ? presenceRng.uniform(0.1, 0.4) : 0;

  const lampRng = rng('lighting-controller');
  const lamps: SimDevice[] = [];
  for (let n = 1; n <= controllers; n++) {
    const cabinet = cabs[Math.floor(((n - 1) * cabinets) / controllers)]!;
    const near = cabinet.attributes as { lat: number; lon: number };
    const at = scatter(lampRng, near, STREET_RADIUS_DEG);
    const attributes: Record<string, unknown> = { lat: at.lat, lon: at.lon, ...policy, ...drawLuminaire(lampRng) };
    if (presenceShare > 0 && presenceRng.chance(presenceShare)) {
      attributes.presence_sensor = true;
      attributes.presence_hold_s = presenceRng.pick([60, 120, 300]);
    }
    const lamp = make('lighting-controller', n, attributes);
    feedFromCabinet(lamp, cabinet);
    lamps.push(lamp);
  }
  return [...cabs, ...lamps];
}

interface Building {
  use: BuildingUse;
  building: string;
  lat: number;
  lon: number;
}

/** Town hall everywhere; ≈ 1 school per 1,500 inhabitants above 300; a gym from 2,000 and a library from 3,000. */
function publicBuildings(rng: Random, c: AisneCommune, centre: { lat: number; lon: number }): Building[] {
  const out: Building[] = [];
  const add = (use: BuildingUse, name: string) => out.push({ use, building: `${name} — ${c.name}`, ...scatter(rng, centre, TOWN_RADIUS_DEG) });
  add('town-hall', 'Mairie');
  const schools = c.population < 300 ? 0 : Math.max(1, Math.round(c.population / 1_500));
  const schoolNames = rng.shuffle([...BUILDING_NAMES.school]);
  for (let k = 0; k < schools; k++) add('school', schoolNames[k] ?? `Groupe scolaire n° ${k + 1}`);
  const gyms = c.population < 2_000 ? 0 : Math.max(1, Math.round(c.population / 10_000));
  for (let k = 0; k < gyms; k++) add('gym', BUILDING_NAMES.gym[k] ?? `Gymnase n° ${k + 1}`);
  if (c.population >= 3_000) add('library', BUILDING_NAMES.library[0]);
  return out;
}

function boilerAttributes(rng: Random, b: Building): Record<string, unknown> {
  const ratedKw = { 'town-hall': [40, 60, 90], school: [60, 90, 120, 180], gym: [120, 180, 250], library: [40, 60, 90] }[b.use];
  return {
    lat: b.lat,
    lon: b.lon,
    building: b.building,
    use: b.use,
    rated_kw: rng.pick(ratedKw),
    // At 40 °C flow; a cold circuit reads up to 0.07 bar less (boiler-room.model.ts), and a
    // healthy one must stay above the low-pressure rule's clear threshold (1.2 bar) even cold.
    nominal_pressure_bar: round2(rng.uniform(NOMINAL_PRESSURE_BAR[0], NOMINAL_PRESSURE_BAR[1])),
    // Energy-saving findings the rules should spot (DOMAIN.md): no night setback, no summer cut-off.
    night_setback: rng.chance(0.8),
    summer_cutoff: rng.chance(0.9),
  };
}

/** LoRaWAN devices (parking spots, CO2 sensors) get a seeded DevEUI, unique in the fleet. */
function assignDevEuis(seed: Seed, devices: SimDevice[]): void {
  const euis = new Set<string>();
  for (const d of devices) {
    if (d.type !== 'parking-spot' && d.type !== 'co2-sensor') continue;
    const rng = new Random(seed, 'deveui', d.id);
    let eui = rng.hex(16);
    while (euis.has(eui)) eui = rng.hex(16);
    euis.add(eui);
    d.devEui = eui;
  }
}

function scatter(rng: Random, at: { lat: number; lon: number }, radiusDeg: number): { lat: number; lon: number } {
  const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));
  return {
    lat: round6(clamp(at.lat + rng.uniform(-radiusDeg, radiusDeg), AISNE_BOUNDS.latMin, AISNE_BOUNDS.latMax)),
    // A degree of longitude is ≈ 0.65 of a degree of latitude at 49.5° N.
    lon: round6(clamp(at.lon + rng.uniform(-radiusDeg, radiusDeg) / 0.65, AISNE_BOUNDS.lonMin, AISNE_BOUNDS.lonMax)),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

// ---------------------------------------------------------------------------------------
// etalab data

let communesCache: readonly AisneCommune[] | undefined;

const etalabCommune = z.object({ code: z.string(), nom: z.string(), type: z.string(), departement: z.string().optional(), population: z.number().int().nonnegative() });
const etalabEpci = z.object({ code: z.string(), membres: z.array(z.object({ code: z.string() })) });

function loadCommunes(): readonly AisneCommune[] {
  // Read, not imported: a typed import of these files (12 MB) slows every type-check.
  const read = (file: string): unknown => JSON.parse(readFileSync(createRequire(__filename).resolve(`@etalab/decoupage-administratif/data/${file}.json`), 'utf8'));
  const rawCommunes = read('communes');
  const rawEpcis = read('epci');
  if (!Array.isArray(rawCommunes) || !Array.isArray(rawEpcis)) throw new Error('@etalab/decoupage-administratif: communes.json and epci.json must be arrays');
  const current = rawCommunes.filter((c: { departement?: unknown; type?: unknown }) => c?.departement === AISNE && c?.type === 'commune-actuelle');
  const communes = parseEtalab(z.array(etalabCommune), current, 'communes.json (département 02)');
  const epcis = parseEtalab(z.array(etalabEpci), rawEpcis, 'epci.json');
  const epciOf = new Map<string, string>();
  for (const e of epcis) for (const m of e.membres) if (m.code.startsWith(AISNE)) epciOf.set(m.code, e.code);
  return Object.freeze(
    communes
      .map((c) => Object.freeze({ insee: c.code, name: c.nom, epci: epciOf.get(c.code) ?? null, population: c.population }))
      .sort((a, b) => a.insee.localeCompare(b.insee)),
  );
}

function parseEtalab<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`@etalab/decoupage-administratif ${what} has an unexpected shape: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
