import { deviceTopic, type Domain } from '@hv/contracts';
import { DeviceSim } from './device-sim';
import { Environment } from './env/environment';
import type { Fleet, SimDevice } from './fleet';
import type { InvalidOptions } from './invalid';
import { Random, type Seed } from './random';

const DEFAULT_MAX_PAYLOAD_BYTES = 16_384;
const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
const DEFAULT_MAX_PAST_MS = 31 * 86_400_000;
/** 2100-01-01 and 2000-01-01, UTC: refused whatever the platform clock says. */
const FAR_FUTURE_MS = 4_102_444_800_000;
const FAR_PAST_MS = 946_684_800_000;
/** Base time of the payloads whose timestamp is not the point (2025-12-21T20:00Z). */
const DEFAULT_NOW_MS = 1_766_347_200_000;

/** What the variants draw on: the fleet, seeded choices and valid payloads to spoil. */
export class InvalidContext {
  readonly rng: Random;
  readonly now: number;
  readonly limits: { maxPayloadBytes: number; maxFutureMs: number; maxPastMs: number };
  private readonly sims = new Map<string, DeviceSim>();
  private readonly env: Environment;
  private readonly ids: Set<string>;
  private readonly euis: Set<string>;
  private readonly tenants: string[];
  private clock: number;

  constructor(
    readonly fleet: Fleet,
    readonly seed: Seed,
    readonly options: InvalidOptions,
  ) {
    this.rng = new Random(seed, 'invalid');
    this.now = options.nowMs ?? DEFAULT_NOW_MS;
    this.limits = {
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      maxFutureMs: options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS,
      maxPastMs: options.maxPastMs ?? DEFAULT_MAX_PAST_MS,
    };
    this.env = new Environment(seed);
    this.ids = new Set(fleet.devices.map((d) => d.id));
    this.euis = new Set(fleet.devices.flatMap((d) => (d.devEui ? [d.devEui] : [])));
    this.tenants = [...new Set(fleet.devices.map((d) => d.tenant))];
    // Valid payloads are stamped just before `now`, 1 ms apart, so none is near a limit.
    this.clock = this.now - 3_600_000;
  }

  device(filter: (d: SimDevice) => boolean = () => true): SimDevice | null {
    const matching = this.fleet.devices.filter(filter);
    return matching.length ? this.rng.pick(matching) : null;
  }

  sim(device: SimDevice): DeviceSim {
    let sim = this.sims.get(device.id);
    if (!sim) this.sims.set(device.id, (sim = new DeviceSim(device, { seed: this.seed, env: this.env })));
    return sim;
  }

  /** A valid telemetry body of the device. */
  telemetry(device: SimDevice): Record<string, unknown> {
    const m = this.sim(device).telemetry(this.tick());
    return JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>;
  }

  /** A telemetry message from a throw-away copy of the device, so that an odd `ts` leaves its counters alone. */
  detached(device: SimDevice, ts: number) {
    return new DeviceSim(device, { seed: this.seed, env: this.env }).telemetry(ts);
  }

  tick(): number {
    return ++this.clock;
  }

  topic(device: SimDevice, channel: 'telemetry' | 'event' | 'status' | 'ack' | 'cmd' = 'telemetry', tenant = device.tenant, domain: Domain = device.domain): string {
    return deviceTopic(tenant, domain, device.id, channel);
  }

  unknownId(): string {
    let id: string;
    do id = `ghost-${this.rng.hex(8)}`;
    while (this.ids.has(id));
    return id;
  }

  unknownEui(): string {
    let eui: string;
    do eui = this.rng.hex(16);
    while (this.euis.has(eui));
    return eui;
  }

  /** A well-formed tenant code that is not the device's. */
  otherTenant(tenant: string): string {
    const others = this.tenants.filter((t) => t !== tenant);
    if (others.length) return this.rng.pick(others);
    return tenant === '02691' ? '02722' : '02691';
  }

  futureTs(): number {
    return this.options.nowMs === undefined
      ? FAR_FUTURE_MS + this.rng.int(0, 86_400_000)
      : this.now + this.limits.maxFutureMs + this.rng.int(60_000, 86_400_000);
  }

  pastTs(): number {
    return this.options.nowMs === undefined
      ? FAR_PAST_MS + this.rng.int(0, 86_400_000)
      : this.now - this.limits.maxPastMs - this.rng.int(60_000, 365 * 86_400_000);
  }
}
