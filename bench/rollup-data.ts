/**
 * Generated per-commune rollups and ATMO points, written straight into the rollup retention
 * policies (`h1`, `d1`) where raw data for the whole fleet over the range would be too large
 * to generate (the boards and API benches). The values follow the season (night length,
 * outdoor temperature at 49.5° N) per commune, scaled by each commune's devices in the
 * fleet, with a deterministic wobble per commune and period; they are plausible, not
 * simulated device by device.
 */
import { ROLLUPS } from '@hv/aggregates';
import { DEVICE_TYPES, MEASUREMENTS, type DeviceType, type Point } from '@hv/contracts';
import type { Fleet } from '@hv/simulators';
import type { InfluxRepository } from '@hv/timeseries';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Points per write request. */
const BATCH = 5_000;

/** The source device types whose rollups are generated here; ROLLUPS' others are not (the caller may say so). */
export const GENERATED_ROLLUP_SOURCES: readonly DeviceType[] = ['lighting-controller', 'boiler-room', 'air-station', 'car-park'];

export interface Commune {
  tenant: string;
  epci: string | null;
  count: Partial<Record<DeviceType, number>>;
  /** Spots of its car parks. */
  capacity: number;
}

/** The fleet's communes with their device counts per type. */
export function communesOf(fleet: Fleet): Commune[] {
  const byTenant = new Map<string, Commune>();
  for (const d of fleet.devices) {
    let c = byTenant.get(d.tenant);
    if (!c) byTenant.set(d.tenant, (c = { tenant: d.tenant, epci: d.epci, count: {}, capacity: 0 }));
    c.count[d.type] = (c.count[d.type] ?? 0) + 1;
    if (d.type === 'car-park') c.capacity += Number(d.attributes.capacity ?? 200);
  }
  return [...byTenant.values()];
}

/** A deterministic wobble in [-1, 1] per commune and period. */
function wobble(tenant: string, t: number): number {
  let h = 2166136261;
  for (const c of `${tenant}:${t}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return ((h >>> 0) / 4294967295) * 2 - 1;
}

/** Rollup points per commune and period over [fromMs, toMs), following the season (see the file's comment). */
export async function writeRollups(into: InfluxRepository, communes: readonly Commune[], rp: 'h1' | 'd1', fromMs: number, toMs: number, periodMs: number): Promise<number> {
  const hours = periodMs / HOUR;
  const rollupOf = (source: DeviceType) => ROLLUPS.find((r) => r.source === source)!.measurement;
  const readingsPerHour = (type: DeviceType) => 3_600 / DEVICE_TYPES[type].expectedIntervalS;
  let batch: Point[] = [];
  let written = 0;
  const flush = async () => {
    await into.writePoints(batch);
    written += batch.length;
    batch = [];
  };
  for (let t = fromMs; t < toMs; t += periodMs) {
    const doy = (t / DAY) % 365.25;
    const night = 12 + 4.2 * Math.cos((2 * Math.PI * (doy + 10)) / 365.25); // h of dark a day at 49.5° N
    const outdoor = 11 - 8 * Math.cos((2 * Math.PI * (doy - 15)) / 365.25);
    const hourOfDay = new Date(t).getUTCHours();
    const litShare = rp === 'd1' ? night / 24 : hourOfDay >= 17 || hourOfDay < 7 ? 1 : 0;
    for (const c of communes) {
      const w = wobble(c.tenant, t);
      const tags = { tenant: c.tenant, ...(c.epci ? { epci: c.epci } : {}) };
      const lamps = c.count['lighting-controller'] ?? 0;
      if (lamps) {
        const level = 65 + 10 * w;
        const power = lamps * 45 * (level / 100) * litShare;
        batch.push({ measurement: rollupOf('lighting-controller'), tags, timestampMs: t, fields: { level_pct: level * litShare, power_w: power, energy_wh: power * hours, lit_h: lamps * litShare * hours, devices: lamps, readings: lamps * readingsPerHour('lighting-controller') * hours } });
      }
      const boilers = c.count['boiler-room'] ?? 0;
      if (boilers) {
        const dju = Math.max(0, 18 - outdoor);
        batch.push({ measurement: rollupOf('boiler-room'), tags, timestampMs: t, fields: { flow_c: 55 - 1.5 * (outdoor - 10), room_c: 19.4 + 0.8 * w, outdoor_min_c: outdoor - 4 + w, outdoor_max_c: outdoor + 4 + w, gas_kwh: (boilers * dju * 30 * hours) / 24, burner_h: (boilers * Math.min(20, dju * 1.2) * hours) / 24, devices: boilers, readings: boilers * readingsPerHour('boiler-room') * hours } });
      }
      const stations = c.count['air-station'] ?? 0;
      if (stations) {
        const cold = Math.max(0, Math.min(1, (8 - outdoor) / 15));
        batch.push({ measurement: rollupOf('air-station'), tags, timestampMs: t, fields: { pm25_ugm3: (12 + 8 * cold) * 0.6, pm10_ugm3: 14 + 10 * cold + 4 * w, no2_ugm3: 22 + 8 * w, o3_ugm3: 45 + 25 * (1 - cold), so2_ugm3: 2, devices: stations, readings: stations * readingsPerHour('air-station') * hours } });
      }
      const parks = c.count['car-park'] ?? 0;
      if (parks) {
        batch.push({ measurement: rollupOf('car-park'), tags, timestampMs: t, fields: { occupied: c.capacity * (0.55 + 0.2 * w), capacity: c.capacity, entries: (c.capacity * 3 * hours) / 24, devices: parks, readings: parks * readingsPerHour('car-park') * hours } });
      }
      if (batch.length >= BATCH) await flush();
    }
  }
  if (batch.length) await flush();
  return written;
}

/** A year of ATMO points per station and per EPCI (a winter-heavy particle season). */
export async function writeAtmo(influx: InfluxRepository, fleet: Fleet, fromMs: number, toMs: number): Promise<number> {
  const stations = fleet.devices.filter((d) => d.type === 'air-station');
  const epcis = [...new Set(stations.map((s) => s.epci).filter((e): e is string => e !== null))];
  const points: Point[] = [];
  for (let t = fromMs; t < toMs; t += DAY) {
    const winter = 0.5 + 0.5 * Math.cos((2 * Math.PI * ((t / DAY) % 365.25)) / 365.25);
    for (const s of stations) points.push({ measurement: MEASUREMENTS.atmo, tags: { scope: 'station', tenant: s.tenant, device: s.id, ...(s.epci ? { epci: s.epci } : {}) }, timestampMs: t, fields: { available: 1, index: Math.max(1, Math.min(6, Math.round(2 + 2 * winter + wobble(s.id, t)))), responsible: 'pm10' } });
    for (const e of epcis) points.push({ measurement: MEASUREMENTS.atmo, tags: { scope: 'epci', epci: e }, timestampMs: t, fields: { available: 1, index: Math.max(1, Math.min(6, Math.round(3 + 2 * winter))), stations: 1 } });
  }
  for (let i = 0; i < points.length; i += BATCH) await influx.writePoints(points.slice(i, i + BATCH));
  return points.length;
}

