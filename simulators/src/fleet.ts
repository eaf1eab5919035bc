import { DEVICE_ID_PATTERN, DEVICE_TYPE_NAMES, TENANT_ID_PATTERN, domainOf, type DeviceInfo, type DeviceType, type Domain } from '@hv/contracts';
import { type BuildingUse } from './env/environment';
import { AISNE_BOUNDS, BUILDING_NAMES, CA_PAYS_DE_LAON, CAR_PARK_NAMES, KNOWN_COMMUNES, LAON } from './places';
import { Random, type Seed } from './random';

/** One simulated device, with what the registry holds about it. */
export interface SimDevice {
  id: string;
  /** INSEE code of the commune (or SIREN of the EPCI) that owns it. */
  tenant: string;
  type: DeviceType;
  domain: Domain;
  /** LoRaWAN DevEUI (16 lower-case hex digits), null for devices that speak MQTT themselves. */
  devEui: string | null;
  /** SIREN of the tenant's EPCI, null when none. */
  epci: string | null;
  /** Cabinet feeding a luminaire, null otherwise. */
  cabinet: string | null;
  /** Static asset data (rated power, capacity, building, lat/lon…); the models read it. */
  attributes: Record<string, unknown>;
}

export interface Fleet {
  seed: Seed;
  devices: SimDevice[];
}

/** The registry's view of a device (ingest's DeviceInfo), for StaticDeviceDirectory and provisioning. */
/** The registry's view of a simulated device (what ingest's directory holds). */
export type DeviceRecord = DeviceInfo;

export function devicesOf(fleet: Fleet): DeviceRecord[] {
  return fleet.devices.map(({ id, tenant, type, epci, cabinet, devEui }) => ({ id, tenant, type, epci, cabinet, devEui }));
}

/** How a commune runs its lights at night (DOMAIN.md: dim from 22:00/23:00, or off 23:00–05:00). */
export type NightMode = 'full' | 'dim' | 'off';

/** Average luminaires per cabinet ("a few dozen"): the default cabinet count. */
const LAMPS_PER_CABINET = 30;
/** A boiler room's circuit pressure at 40 °C flow is drawn in this range, bar. */
export const NOMINAL_PRESSURE_BAR = [1.35, 1.65] as const;
/** Scatter of devices around their commune's centre, degrees (≈ 2 km). */
const TOWN_RADIUS_DEG = 0.02;
/** Scatter of luminaires around their cabinet, degrees (≈ 300 m). */
const STREET_RADIUS_DEG = 0.003;

export interface LightingFleetOptions {
  seed: Seed;
  tenant: string;
  /** EPCI SIREN; undefined looks the commune up in KNOWN_COMMUNES, null means none. */
  epci?: string | null;
  controllers: number;
  /** Default: one per 30 luminaires. */
  cabinets?: number;
}

/** Public lighting of one commune: cabinets `lc-{tenant}-c{n}` feeding controllers `lc-{tenant}-{n}` (n from 1). */
export function lightingFleet(options: LightingFleetOptions): Fleet {
  const cabinets = options.cabinets ?? Math.ceil(options.controllers / LAMPS_PER_CABINET);
  const ctx = new FleetContext(options.seed);
  const tenant = ctx.tenant(options.tenant, options.epci);
  const devices = [...lightingDevices(ctx, tenant, options.controllers, cabinets)];
  return { seed: options.seed, devices };
}

export interface MixedFleetOptions {
  seed: Seed;
  tenants: Array<{ tenant: string; epci?: string | null }>;
  /** Devices of each type per tenant; an absent type gets none. */
  perTenant: Partial<Record<DeviceType, number>>;
  /** Types that connect through a LoRaWAN network server and get a DevEUI. */
  lorawan?: readonly DeviceType[];
}

export const DEFAULT_LORAWAN_TYPES: readonly DeviceType[] = ['parking-spot', 'co2-sensor'];

/** Devices of every requested type for several tenants, ids `{prefix}-{tenant}-{n}` (see ID_PREFIXES). */
export function mixedFleet(options: MixedFleetOptions): Fleet {
  const ctx = new FleetContext(options.seed);
  const lorawan = new Set(options.lorawan ?? DEFAULT_LORAWAN_TYPES);
  const devices: SimDevice[] = [];
  for (const spec of options.tenants) {
    const tenant = ctx.tenant(spec.tenant, spec.epci);
    const count = (type: DeviceType) => checkCount(options.perTenant[type] ?? 0, type);
    devices.push(...lightingDevices(ctx, tenant, count('lighting-controller'), count('lighting-cabinet')));
    for (const type of DEVICE_TYPE_NAMES) {
      if (type === 'lighting-controller' || type === 'lighting-cabinet') continue;
      for (let n = 1; n <= count(type); n++) devices.push(otherDevice(ctx, tenant, type, n));
    }
  }
  for (const d of devices) if (lorawan.has(d.type)) d.devEui = ctx.devEui(d.id);
  return { seed: options.seed, devices };
}

/** Seed of the demo fleet and the CLI's default. */
export const DEFAULT_SEED = 'laon-demo';

export interface DemoFleetOptions {
  seed?: Seed;
  controllers?: number;
  cabinets?: number;
}

/** The Laon public-lighting demo: tenant 02408, EPCI CA du Pays de Laon (200043495). */
export function demoFleet(options: DemoFleetOptions = {}): Fleet {
  return lightingFleet({
    seed: options.seed ?? DEFAULT_SEED,
    tenant: LAON,
    epci: CA_PAYS_DE_LAON,
    controllers: options.controllers ?? 120,
    cabinets: options.cabinets ?? Math.ceil((options.controllers ?? 120) / 30),
  });
}

/** What `npm start` runs besides the Laon lighting fleet: a few devices of every other type. */
export const DEMO_OTHER_DEVICES: Readonly<Partial<Record<DeviceType, number>>> = { 'boiler-room': 3, 'air-station': 1, 'co2-sensor': 4, 'parking-spot': 12, 'car-park': 1 };

/**
 * The demo of every domain: Laon's lighting fleet (demoFleet, same ids) and a few boiler
 * rooms, an air station, classroom CO2 sensors, parking spots and a car park of Laon, all
 * on MQTT with their own credentials (the demo runs no LoRaWAN network server).
 */
export function demoMixedFleet(options: DemoFleetOptions = {}): Fleet {
  const seed = options.seed ?? DEFAULT_SEED;
  const lighting = demoFleet(options);
  const others = mixedFleet({ seed, tenants: [{ tenant: LAON, epci: CA_PAYS_DE_LAON }], perTenant: DEMO_OTHER_DEVICES, lorawan: [] });
  return { seed, devices: [...lighting.devices, ...others.devices] };
}

/** Id prefixes by type: `lc-02408-12`, `br-02691-1`, `ps-02722-40`… */
export const ID_PREFIXES: Readonly<Record<DeviceType, string>> = {
  'lighting-controller': 'lc',
  'lighting-cabinet': 'lc',
  'boiler-room': 'br',
  'air-station': 'aq',
  'co2-sensor': 'co2',
  'parking-spot': 'ps',
  'car-park': 'cp',
};

interface TenantCtx {
  tenant: string;
  epci: string | null;
  name: string | null;
  lat: number;
  lon: number;
}

/** Seeded draws, one independent stream per (tenant, purpose), so that adding a type moves nothing else. */
class FleetContext {
  private readonly euis = new Set<string>();

  constructor(readonly seed: Seed) {}

  rng(...parts: Seed[]): Random {
    return new Random(this.seed, 'fleet', ...parts);
  }

  tenant(tenant: string, epci: string | null | undefined): TenantCtx {
    if (!TENANT_ID_PATTERN.test(tenant)) throw new RangeError(`invalid tenant id "${tenant}" (INSEE or SIREN code expected)`);
    const known = KNOWN_COMMUNES[tenant];
    const rng = this.rng(tenant, 'centre');
    const lat = known?.lat ?? rng.uniform(AISNE_BOUNDS.latMin + 0.05, AISNE_BOUNDS.latMax - 0.05);
    const lon = known?.lon ?? rng.uniform(AISNE_BOUNDS.lonMin + 0.05, AISNE_BOUNDS.lonMax - 0.05);
    return { tenant, epci: epci === undefined ? (known?.epci ?? null) : epci, name: known?.name ?? null, lat, lon };
  }

  devEui(id: string): string {
    const rng = new Random(this.seed, 'deveui', id);
    let eui = rng.hex(16);
    while (this.euis.has(eui)) eui = rng.hex(16);
    this.euis.add(eui);
    return eui;
  }
}

function checkCount(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: count must be a non-negative integer, got ${n}`);
  return n;
}

function deviceId(type: DeviceType, tenant: string, n: number | string): string {
  const id = `${ID_PREFIXES[type]}-${tenant}-${n}`;
  if (!DEVICE_ID_PATTERN.test(id)) throw new RangeError(`generated device id "${id}" breaks the id pattern`);
  return id;
}

function scatter(rng: Random, lat: number, lon: number, radiusDeg: number): { lat: number; lon: number } {
  const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    lat: round6(clampTo(lat + rng.uniform(-radiusDeg, radiusDeg), AISNE_BOUNDS.latMin, AISNE_BOUNDS.latMax)),
    // A degree of longitude is ≈ 0.65 of a degree of latitude at 49.5° N.
    lon: round6(clampTo(lon + rng.uniform(-radiusDeg, radiusDeg) / 0.65, AISNE_BOUNDS.lonMin, AISNE_BOUNDS.lonMax)),
  };
}

const clampTo = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));

function base(t: TenantCtx, type: DeviceType, id: string, attributes: Record<string, unknown>): SimDevice {
  return { id, tenant: t.tenant, type, domain: domainOf(type), devEui: null, epci: t.epci, cabinet: null, attributes };
}

/**
 * The commune decides its night policy (DOMAIN.md: no national switch-off hour): half dim
 * to 50 % from 22:00 or 23:00 to 06:00, a third switch off 23:00–05:00, the rest stay lit.
 */
export function drawNightPolicy(policyRng: Random): { night_mode: NightMode; night_from_h: number; night_to_h: number; dim_level_pct: number } {
  const nightMode = policyRng.weighted<NightMode>([['dim', 0.5], ['off', 0.35], ['full', 0.15]]);
  return {
    night_mode: nightMode,
    night_from_h: nightMode === 'off' ? 23 : policyRng.pick([22, 23]),
    night_to_h: nightMode === 'off' ? 5 : 6,
    dim_level_pct: 50,
  };
}

function* lightingDevices(ctx: FleetContext, t: TenantCtx, controllers: number, cabinets: number): Generator<SimDevice> {
  checkCount(controllers, 'controllers');
  checkCount(cabinets, 'cabinets');
  const policy = drawNightPolicy(ctx.rng(t.tenant, 'lighting-policy'));

  const cabRng = ctx.rng(t.tenant, 'lighting-cabinet');
  const cabs: SimDevice[] = [];
  for (let n = 1; n <= cabinets; n++) {
    const at = scatter(cabRng, t.lat, t.lon, TOWN_RADIUS_DEG);
    const share = [cabRng.uniform(0.31, 0.35), cabRng.uniform(0.31, 0.35)];
    cabs.push(
      base(t, 'lighting-cabinet', `lc-${t.tenant}-c${n}`, {
        ...at,
        ...policy,
        lamps: 0,
        connected_load_w: 0,
        phase_share: [round3(share[0]!), round3(share[1]!), round3(1 - share[0]! - share[1]!)],
        own_consumption_w: round1(cabRng.uniform(4, 9)),
      }),
    );
  }

  const rng = ctx.rng(t.tenant, 'lighting-controller');
  const lamps: SimDevice[] = [];
  for (let n = 1; n <= controllers; n++) {
    const cabinet = cabinets > 0 ? cabs[Math.floor(((n - 1) * cabinets) / controllers)]! : null;
    const near = cabinet ? (cabinet.attributes as { lat: number; lon: number }) : t;
    const at = scatter(rng, near.lat, near.lon, cabinet ? STREET_RADIUS_DEG : TOWN_RADIUS_DEG);
    const device = base(t, 'lighting-controller', deviceId('lighting-controller', t.tenant, n), { ...at, ...policy, ...drawLuminaire(rng) });
    if (cabinet) feedFromCabinet(device, cabinet);
    lamps.push(device);
  }
  yield* cabs;
  yield* lamps;
}

/** A luminaire's asset data, drawn in a fixed order (the same seed gives the same luminaire in every fleet). */
export function drawLuminaire(rng: Random): { technology: 'led' | 'hps'; rated_power_w: number; loss_factor: number; flux_lm: number; colour_temp_k: number; installed: string } {
  const led = rng.chance(0.7);
  const rated = led ? rng.pick([30, 40, 50, 60, 70, 80, 100]) : rng.pick([70, 100, 150]);
  // LED drivers lose ≈ 4–8 %; sodium ballasts 10–15 % (DOMAIN.md).
  const lossFactor = round3(led ? rng.uniform(1.04, 1.08) : rng.uniform(1.1, 1.15));
  const installedYear = led ? rng.int(2014, 2025) : rng.int(1995, 2012);
  return {
    technology: led ? 'led' : 'hps',
    rated_power_w: rated,
    loss_factor: lossFactor,
    flux_lm: Math.round(rated * (led ? rng.uniform(120, 150) : rng.uniform(85, 110))),
    colour_temp_k: led ? rng.pick([2200, 2700, 3000]) : 2000,
    installed: `${installedYear}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`,
  };
}

/** Puts a luminaire behind its cabinet: the cabinet counts it and its connected load. */
export function feedFromCabinet(lamp: SimDevice, cabinet: SimDevice): void {
  lamp.cabinet = cabinet.id;
  const a = cabinet.attributes as { lamps: number; connected_load_w: number };
  const l = lamp.attributes as { rated_power_w: number; loss_factor: number };
  a.lamps++;
  a.connected_load_w = round1(a.connected_load_w + l.rated_power_w * l.loss_factor);
}

function otherDevice(ctx: FleetContext, t: TenantCtx, type: DeviceType, n: number): SimDevice {
  const rng = ctx.rng(t.tenant, type, n);
  const id = deviceId(type, t.tenant, n);
  const at = scatter(rng, t.lat, t.lon, TOWN_RADIUS_DEG);
  const town = t.name ? ` — ${t.name}` : '';
  switch (type) {
    case 'boiler-room': {
      const use = rng.weighted<BuildingUse>([['school', 0.45], ['town-hall', 0.2], ['gym', 0.2], ['library', 0.15]]);
      return base(t, type, id, {
        ...at,
        building: `${rng.pick(BUILDING_NAMES[use])}${town}`,
        use,
        rated_kw: rng.pick([40, 60, 90, 120, 180, 250]),
        // At 40 °C flow; a cold circuit reads up to 0.07 bar less (boiler-room.model.ts), and a
        // healthy one must stay above the low-pressure rule's clear threshold (1.2 bar) even cold.
        nominal_pressure_bar: round2(rng.uniform(NOMINAL_PRESSURE_BAR[0], NOMINAL_PRESSURE_BAR[1])),
        // Energy-saving findings the rules should spot (DOMAIN.md): no night setback, no summer cut-off.
        night_setback: rng.chance(0.8),
        summer_cutoff: rng.chance(0.9),
      });
    }
    case 'air-station': {
      const exposure = rng.weighted([['urban', 0.5], ['traffic', 0.3], ['suburban', 0.2]] as const);
      const label = { urban: 'urbaine', traffic: 'trafic', suburban: 'périurbaine' }[exposure];
      return base(t, type, id, { ...at, name: `Station ${label}${town}`, exposure });
    }
    case 'co2-sensor': {
      const use = rng.weighted<BuildingUse>([['school', 0.8], ['library', 0.1], ['town-hall', 0.1]]);
      return base(t, type, id, {
        ...at,
        building: `${rng.pick(BUILDING_NAMES[use])}${town}`,
        use,
        room: use === 'school' ? `Salle ${rng.int(1, 14)}` : rng.pick(['Salle de lecture', 'Salle du conseil']),
        volume_m3: rng.int(150, 220),
        occupants: use === 'school' ? rng.int(20, 30) : rng.int(8, 25),
        air_changes_per_h: round2(rng.uniform(1, 3)),
      });
    }
    case 'parking-spot':
      return base(t, type, id, {
        ...at,
        zone: rng.weighted([['blue', 0.5], ['paid', 0.3], ['free', 0.2]]),
        max_stay_s: 5_400, // blue zone 1 h 30 (DOMAIN.md)
        category: 'onStreet',
      });
    case 'car-park':
      return base(t, type, id, {
        ...at,
        name: `${rng.pick(CAR_PARK_NAMES)}${town}`,
        capacity: rng.pick([80, 120, 150, 220, 350, 500]),
        profile: rng.pick(['commuter', 'shopping', 'station']),
        category: 'offStreet',
      });
    default:
      throw new RangeError(`${type} is built by lightingDevices()`);
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The fleet with every classroom ventilated as the règlement sanitaire départemental asks
 * (18 m³/h per pupil): CO2 then levels off near 420 + 0.018 / 18 × 10⁶ ≈ 1,420 ppm, below
 * 1,500. The fleets otherwise draw 1–3 air changes an hour, and the poorly ventilated
 * classrooms rightly raise co2_high: tests of a healthy fleet use this.
 */
export function ventilatedAsRequired(fleet: Fleet): Fleet {
  return {
    ...fleet,
    devices: fleet.devices.map((d) => {
      if (d.type !== 'co2-sensor') return d;
      const { occupants, volume_m3 } = d.attributes as { occupants: number; volume_m3: number };
      return { ...d, attributes: { ...d.attributes, air_changes_per_h: (occupants * 18) / volume_m3 } };
    }),
  };
}
