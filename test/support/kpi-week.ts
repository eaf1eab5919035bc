/**
 * A simulated stretch of a territory's life for the KPI suites, written into InfluxDB as
 * ingest would store it (the simulators' device models, `toPoint`), without MQTT: a week
 * of a few devices at the contract's rates is tens of thousands of readings, which the
 * suites then aggregate with the real AggregatesService and read back through the API.
 */
import { domainOf, toPoint, type Point, type UplinkChannel } from '@hv/contracts';
import { DeviceSim, Environment, type SimDevice } from '@hv/simulators';
import type { Device } from '@hv/state';
import type { InfluxRepository } from '@hv/timeseries';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** A registered device as the simulators model it, its attributes overridden (a night policy, a capacity…). */
export function simDeviceOf(device: Device, epci: string | null, attributes: Record<string, unknown> = {}): SimDevice {
  const all = { ...device.attributes, ...attributes };
  const cabinet = typeof all.cabinet === 'string' ? all.cabinet : null;
  return { id: device.id, tenant: device.tenant, type: device.type, domain: domainOf(device.type), devEui: device.devEui, epci, cabinet, attributes: all };
}

/** The point ingest would store for one of a device's uplinks. */
function pointOf(sim: DeviceSim, channel: UplinkChannel, body: Record<string, unknown>): Point {
  const d = sim.device;
  return toPoint({ tenant: d.tenant, device: d.id, type: d.type, epci: d.epci, cabinet: d.cabinet }, channel, body, body.ts as number);
}

export interface SimulationOptions {
  seed: string;
  fromMs: number;
  toMs: number;
  /** Time between two readings of a device, ms. */
  stepMs: number;
  env?: Environment;
  /**
   * Chance that a device also sends an event in a reading's interval (a spot's car coming
   * or going), at a whole minute inside it.
   */
  eventChance?: number;
}

/** Every device's readings (and events) over [fromMs, toMs), as points in time order per device. */
export function simulate(devices: readonly SimDevice[], options: SimulationOptions): Point[] {
  const env = options.env ?? new Environment(options.seed);
  const points: Point[] = [];
  for (const device of devices) {
    const sim = new DeviceSim(device, { seed: options.seed, env });
    // The device's own draws decide its events: the same seed gives the same week.
    let draw = hashSeed(`${options.seed}/${device.id}`);
    const next = () => ((draw = (Math.imul(draw, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    for (let t = options.fromMs; t < options.toMs; t += options.stepMs) {
      const reading = JSON.parse(sim.telemetry(t).payload.toString('utf8')) as Record<string, unknown>;
      points.push(pointOf(sim, 'telemetry', reading));
      if (options.eventChance && next() < options.eventChance) {
        const at = t + Math.max(1, Math.floor((next() * options.stepMs) / MIN)) * MIN;
        if (at < Math.min(t + options.stepMs, options.toMs)) points.push(pointOf(sim, 'event', JSON.parse(sim.event(at).payload.toString('utf8')) as Record<string, unknown>));
      }
    }
  }
  return points;
}

function hashSeed(s: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16_777_619);
  return h >>> 0;
}

/** Writes points in batches of 5,000 lines (the ingest's own batch size). */
export async function writeAll(influx: InfluxRepository, points: readonly Point[]): Promise<void> {
  for (let i = 0; i < points.length; i += 5_000) await influx.writePoints(points.slice(i, i + 5_000));
}

/** The numeric or boolean field of a point, for the expected values computed in the tests. */
export const fieldOf = (p: Point, name: string): number | boolean | undefined => {
  const v = p.fields[name];
  return typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
};
