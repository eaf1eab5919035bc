import { DOMAINS, deviceTopic, type Domain } from '@hv/contracts';
import { DeviceSim } from './device-sim';
import { Environment } from './env/environment';
import type { Fleet, SimDevice } from './fleet';
import { lorawanUplink } from './lorawan';
import { Random, type Seed } from './random';

/**
 * The reasons ingest gives for a refusal that a message alone can cause (libs/ingest
 * pipeline/rejection.ts). `store_rejected` is missing on purpose: it is InfluxDB refusing
 * a batch, which no payload valid under the contract can provoke.
 */
export const SIM_REJECT_REASONS = [
  'oversized',
  'bad_topic',
  'unexpected_channel',
  'malformed_json',
  'schema',
  'unknown_device',
  'unknown_dev_eui',
  'tenant_mismatch',
  'domain_mismatch',
  'timestamp_future',
  'timestamp_past',
] as const;
export type SimRejectReason = (typeof SIM_REJECT_REASONS)[number];

export interface InvalidMessage {
  topic: string;
  payload: Buffer;
  expectedReason: SimRejectReason;
  /** What is wrong with it, for test names and logs. */
  description: string;
}

export interface InvalidOptions {
  /**
   * The platform clock the messages will meet, epoch ms. Without it, timestamps that must
   * be refused are absolute (year 2100 for the future, 2000 for the past), which holds
   * for any plausible clock.
   */
  nowMs?: number;
  /** Ingest limits (defaults: DEVICE-CONTRACT.md). */
  maxPayloadBytes?: number;
  maxFutureMs?: number;
  maxPastMs?: number;
  /** Only these reasons (e.g. leave out `oversized` where the broker disconnects for it). */
  reasons?: readonly SimRejectReason[];
}

const DEFAULT_MAX_PAYLOAD_BYTES = 16_384;
const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
const DEFAULT_MAX_PAST_MS = 31 * 86_400_000;
/** 2100-01-01 and 2000-01-01, UTC: refused whatever the platform clock says. */
const FAR_FUTURE_MS = 4_102_444_800_000;
const FAR_PAST_MS = 946_684_800_000;
/** Base time of the payloads whose timestamp is not the point (2025-12-21T20:00Z). */
const DEFAULT_NOW_MS = 1_766_347_200_000;

type Variant = (ctx: Ctx) => Omit<InvalidMessage, 'expectedReason'> | null;

/**
 * Messages ingest must refuse, each with the one reason it must give. Every round covers
 * every reason (in a seeded order) with a seeded variant of it; variants that need
 * something the fleet lacks (a LoRaWAN device, a second domain) are skipped for another.
 */
export function* invalidMessages(fleet: Fleet, seed: Seed, count: number, options: InvalidOptions = {}): Generator<InvalidMessage, void, undefined> {
  if (fleet.devices.length === 0) throw new RangeError('invalidMessages() needs a fleet with at least one device');
  const reasons = [...(options.reasons ?? SIM_REJECT_REASONS)];
  if (reasons.length === 0) return;
  const ctx = new Ctx(fleet, seed, options);
  const order = [...reasons];
  for (let i = 0; i < count; i++) {
    if (i % order.length === 0) ctx.rng.shuffle(order);
    const reason = order[i % order.length]!;
    const variants = ctx.rng.shuffle([...VARIANTS[reason]]);
    let made: Omit<InvalidMessage, 'expectedReason'> | null = null;
    for (const v of variants) if ((made = v(ctx))) break;
    if (!made) throw new RangeError(`this fleet cannot produce a "${reason}" message`);
    yield { ...made, expectedReason: reason };
  }
}

/** What the variants draw on: the fleet, seeded choices and valid payloads to spoil. */
class Ctx {
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

const json = (body: unknown) => Buffer.from(JSON.stringify(body));

const VARIANTS: Record<SimRejectReason, readonly Variant[]> = {
  oversized: [
    (c) => {
      const d = c.device()!;
      const body = c.telemetry(d);
      // Padding as a JSON string key: still valid JSON, refused for its size alone.
      const padding = c.limits.maxPayloadBytes + 1 + c.rng.int(0, 1_024);
      return { topic: c.topic(d), payload: json({ ...body, padding: 'x'.repeat(padding) }), description: `payload over ${c.limits.maxPayloadBytes} bytes` };
    },
  ],
  bad_topic: [
    (c) => ({ topic: `sensors/${c.device()!.id}/data`, payload: json(c.telemetry(c.device()!)), description: 'not a device topic' }),
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d).replace('hv/v1/', 'hv/v2/'), payload: json(c.telemetry(d)), description: 'unknown contract version' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: `hv/v1/${d.tenant}/waste/${d.id}/telemetry`, payload: json(c.telemetry(d)), description: 'unknown domain' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: `hv/v1/${d.tenant}/${d.domain}/${d.id.toUpperCase()}/telemetry`, payload: json(c.telemetry(d)), description: 'device id in upper case' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: `hv/v1/Laon/${d.domain}/${d.id}/telemetry`, payload: json(c.telemetry(d)), description: 'tenant is a name, not an INSEE code' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: `${c.topic(d)}/extra`, payload: json(c.telemetry(d)), description: 'one level too many' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d).replace(/telemetry$/, 'telemetrie'), payload: json(c.telemetry(d)), description: 'unknown channel' };
    },
    (c) => ({ topic: `application/${c.rng.hex(8)}/device/${c.rng.hex(16)}/event/join`, payload: json({ devEui: c.rng.hex(16) }), description: 'ChirpStack join event, not an uplink' }),
  ],
  unexpected_channel: [
    (c) => {
      const d = c.device()!;
      const cmd = { cmd_id: `c-${c.rng.hex(6)}`, ts: c.tick(), action: 'reboot' };
      return { topic: c.topic(d, 'cmd'), payload: json(cmd), description: 'a command published to ingest' };
    },
  ],
  malformed_json: [
    (c) => {
      const d = c.device()!;
      const text = JSON.stringify(c.telemetry(d));
      return { topic: c.topic(d), payload: Buffer.from(text.slice(0, Math.max(1, Math.floor(text.length / 2)))), description: 'truncated JSON' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: Buffer.from(JSON.stringify(c.telemetry(d)).replace(/}$/, ',}')), description: 'trailing comma' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: Buffer.from(JSON.stringify(c.telemetry(d)).replace(/"/g, "'")), description: 'single quotes' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: Buffer.from(`{"ts":${c.tick()},"seq":1,"value":NaN}`), description: 'NaN is not JSON' };
    },
    (c) => ({ topic: c.topic(c.device()!), payload: Buffer.alloc(0), description: 'empty payload' }),
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(c.telemetry(d))]), description: 'UTF-8 byte-order mark' };
    },
    (c) => ({ topic: c.topic(c.device()!), payload: Buffer.from([0x01, 0x9f, 0x42, 0x00, 0xff]), description: 'binary frame (no codec)' }),
    (c) => ({ topic: `application/${c.rng.hex(8)}/device/${c.rng.hex(16)}/event/up`, payload: Buffer.from('{"deviceInfo":'), description: 'truncated ChirpStack uplink' }),
  ],
  schema: [
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: json({ ...c.telemetry(d), colour: 'red' }), description: 'unknown key (schemas are strict)' };
    },
    (c) => {
      const d = c.device()!;
      const { seq: _seq, ...body } = c.telemetry(d);
      return { topic: c.topic(d), payload: json(body), description: 'seq missing' };
    },
    (c) => {
      const d = c.device()!;
      const body = c.telemetry(d);
      return { topic: c.topic(d), payload: json({ ...body, ts: new Date(body.ts as number).toISOString() }), description: 'ts as an ISO string' };
    },
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: json({ ...c.telemetry(d), seq: -1 }), description: 'negative seq' };
    },
    (c) => ({ topic: c.topic(c.device()!), payload: json([1, 2, 3]), description: 'a JSON array' }),
    (c) => ({ topic: c.topic(c.device()!), payload: Buffer.from('null'), description: 'JSON null' }),
    (c) => {
      const d = c.device((x) => x.type === 'lighting-controller');
      return d && { topic: c.topic(d), payload: json({ ...c.telemetry(d), level_pct: 150 }), description: 'level_pct above 100' };
    },
    (c) => {
      const d = c.device((x) => x.type === 'car-park');
      if (!d) return null;
      const body = c.telemetry(d);
      return { topic: c.topic(d), payload: json({ ...body, occupied: (body.capacity as number) + 5 }), description: 'car park fuller than its capacity' };
    },
    (c) => {
      const d = c.device((x) => x.type === 'air-station');
      return d && { topic: c.topic(d), payload: json({ ts: c.tick(), seq: 7, temp_c: 4.2 }), description: 'air-station reading without any pollutant' };
    },
    (c) => {
      const d = c.device();
      return d && { topic: c.topic(d, 'event'), payload: json({ ts: c.tick(), seq: 3, event: 'fault_raised', code: 'gremlins' }), description: 'unknown fault code' };
    },
    (c) => {
      const d = c.device();
      return d && { topic: c.topic(d, 'status'), payload: json({ ts: c.tick(), online: 'yes' }), description: 'status online as a string' };
    },
    (c) => {
      const d = c.device((x) => x.devEui !== null);
      if (!d) return null;
      const up = lorawanUplink(c.sim(d).telemetry(c.tick()), 'chirpstack');
      const body = JSON.parse(up.payload.toString('utf8')) as Record<string, unknown>;
      delete body.object;
      return { topic: up.topic, payload: json(body), description: 'ChirpStack uplink without object (no codec)' };
    },
    (c) => {
      const d = c.device((x) => x.devEui !== null);
      if (!d) return null;
      const up = lorawanUplink(c.sim(d).telemetry(c.tick()), 'chirpstack');
      return { topic: up.topic.replace(d.devEui!, c.unknownEui()), payload: up.payload, description: 'ChirpStack devEui differs from the topic' };
    },
    (c) => {
      const d = c.device((x) => x.devEui !== null);
      if (!d) return null;
      const up = lorawanUplink(c.sim(d).telemetry(c.tick()), 'tts');
      const body = JSON.parse(up.payload.toString('utf8')) as { uplink_message: Record<string, unknown> };
      body.uplink_message.decoded_payload = { ...(body.uplink_message.decoded_payload as object), battery_pct: 140, co2_ppm: -3 };
      return { topic: up.topic, payload: json(body), description: 'TTS decoded payload out of range' };
    },
  ],
  unknown_device: [
    (c) => {
      const d = c.device()!;
      const ghost = c.unknownId();
      const body = c.telemetry(d);
      return { topic: deviceTopic(d.tenant, d.domain, ghost, 'telemetry'), payload: json(body), description: `unregistered device ${ghost}` };
    },
  ],
  unknown_dev_eui: [
    (c) => {
      const d = c.device((x) => x.devEui !== null) ?? c.device()!;
      const fake: SimDevice = { ...d, devEui: c.unknownEui() };
      const up = lorawanUplink(c.detached(fake, c.tick()), c.rng.pick(['chirpstack', 'tts'] as const));
      return { topic: up.topic, payload: up.payload, description: `unregistered devEui ${fake.devEui}` };
    },
  ],
  tenant_mismatch: [
    (c) => {
      const d = c.device()!;
      const other = c.otherTenant(d.tenant);
      return { topic: c.topic(d, 'telemetry', other), payload: json(c.telemetry(d)), description: `device of ${d.tenant} under tenant ${other}` };
    },
  ],
  domain_mismatch: [
    (c) => {
      const d = c.device()!;
      const other = c.rng.pick(DOMAINS.filter((x) => x !== d.domain));
      return { topic: c.topic(d, 'telemetry', d.tenant, other), payload: json(c.telemetry(d)), description: `${d.type} under domain ${other}` };
    },
  ],
  timestamp_future: [
    (c) => {
      const d = c.device()!;
      return { topic: c.topic(d), payload: c.detached(d, c.futureTs()).payload, description: 'ts ahead of the platform clock' };
    },
    (c) => {
      const d = c.device((x) => x.devEui !== null);
      if (!d) return null;
      const up = lorawanUplink(c.detached(d, c.futureTs()), 'chirpstack');
      return { topic: up.topic, payload: up.payload, description: 'ChirpStack time ahead of the platform clock' };
    },
  ],
  timestamp_past: [
    (c) => {
      const d = c.device()!;
      const body = c.telemetry(d);
      return { topic: c.topic(d), payload: json({ ...body, ts: c.pastTs() }), description: 'ts older than the accepted window' };
    },
    (c) => {
      const d = c.device()!;
      const body = c.telemetry(d);
      return { topic: c.topic(d), payload: json({ ...body, ts: Math.floor((body.ts as number) / 1000) }), description: 'ts in seconds instead of milliseconds' };
    },
  ],
};
