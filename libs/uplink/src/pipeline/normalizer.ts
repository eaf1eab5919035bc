import {
  clip,
  compileValidator,
  decodeWithProfile,
  DEVICE_TYPES,
  describeIssues,
  flatIssues,
  LORAWAN_FPORTS,
  lorawanRouteOfUplink,
  parseDeviceTopic,
  uplinkSchema,
  type CompiledValidator,
  type DeviceTopic,
  type LorawanRoute,
  type UplinkChannel,
} from '@hv/contracts';
import { adaptChirpstackUplink, isChirpstackTopic } from '../adapters/chirpstack.adapter';
import { isRecord, type AdapterResult } from '../adapters/lorawan-uplink';
import { adaptTtsUplink, isTtsTopic } from '../adapters/tts.adapter';
import type { DeviceDirectory, DeviceInfo } from './device-directory';
import type { Reading } from './reading';
import { Rejection } from './rejection';
import { judgeTimestamp } from './timestamp';

export interface NormalizerLimits {
  maxPayloadBytes: number;
  maxFutureMs: number;
  maxPastMs: number;
}

export type Normalized = Reading | Rejection;

/**
 * Each uplink schema compiled once (null: it has a construct only zod can judge). Valid
 * bodies take the compiled path; any other is judged again by zod, which says why.
 */
const compiled = new Map<ReturnType<typeof uplinkSchema>, CompiledValidator | null>();

function compiledOf(schema: ReturnType<typeof uplinkSchema>): CompiledValidator | null {
  let fast = compiled.get(schema);
  if (fast === undefined) compiled.set(schema, (fast = compileValidator(schema) ?? null));
  return fast;
}

/** Parsed topics kept: several per device of a large fleet. */
const TOPIC_CACHE_SIZE = 65_536;

/**
 * Turns one MQTT message into one validated Reading, or into a Rejection saying why not
 * (naming the field; its owner counts and dead-letters it). Per message: one registry
 * lookup and one JSON parse, whatever the route (native or a LoRaWAN network server).
 * Pure but for the registry lookup; never throws on any input.
 */
export class Normalizer {
  /** Well-formed device topics seen, parsed (read only: shared by their messages). */
  private readonly topics = new Map<string, Readonly<DeviceTopic>>();

  constructor(
    private readonly devices: DeviceDirectory,
    private readonly limits: NormalizerLimits,
  ) {}

  normalize(topic: string, payload: Buffer, receivedAtMs: number): Normalized | Promise<Normalized> {
    if (payload.length > this.limits.maxPayloadBytes) {
      return new Rejection('oversized', `payload of ${payload.length} bytes exceeds ${this.limits.maxPayloadBytes}`);
    }
    if (topic.startsWith('hv/')) return this.native(topic, payload, receivedAtMs);
    if (isChirpstackTopic(topic)) return this.lorawan(topic, payload, receivedAtMs, adaptChirpstackUplink);
    if (isTtsTopic(topic)) return this.lorawan(topic, payload, receivedAtMs, adaptTtsUplink);
    return new Rejection('bad_topic', `not a device topic: "${clip(topic)}"`);
  }

  private native(topic: string, payload: Buffer, receivedAtMs: number): Normalized | Promise<Normalized> {
    let t = this.topics.get(topic);
    if (t === undefined) {
      const parsed = parseDeviceTopic(topic);
      if (!parsed.ok) return new Rejection('bad_topic', parsed.error);
      t = parsed.topic;
      // A device publishes on a handful of topics: each is split and checked once. Bounded,
      // so that a flood of made-up topics cannot grow it without end.
      if (this.topics.size >= TOPIC_CACHE_SIZE) this.topics.clear();
      this.topics.set(topic, t);
    }
    if (t.channel === 'cmd') return new Rejection('unexpected_channel', 'cmd is a downlink channel', t.tenant, t.device);
    const found = this.devices.byId(t.device);
    return found instanceof Promise
      ? found.then((d) => this.nativeFor(d, t, payload, receivedAtMs))
      : this.nativeFor(found, t, payload, receivedAtMs);
  }

  private nativeFor(device: DeviceInfo | undefined, t: Readonly<DeviceTopic>, payload: Buffer, receivedAtMs: number): Normalized {
    if (!device) return new Rejection('unknown_device', `device "${t.device}" is not registered`, t.tenant, t.device);
    // A device may publish only under its own tenant: an external broker without our ACLs
    // would otherwise let one collectivité's device write into another's data.
    if (device.tenant !== t.tenant) {
      return new Rejection('tenant_mismatch', `device "${t.device}" belongs to tenant ${device.tenant}, not ${t.tenant}`, t.tenant, t.device);
    }
    if (DEVICE_TYPES[device.type].domain !== t.domain) {
      return new Rejection('domain_mismatch', `device "${t.device}" is a ${device.type}, not in domain ${t.domain}`, t.tenant, t.device);
    }
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return new Rejection('malformed_json', clip((error as Error).message, 120), t.tenant, t.device);
    }
    return this.validate(device, t.channel as UplinkChannel, body, receivedAtMs, undefined);
  }

  private lorawan(
    topic: string,
    payload: Buffer,
    receivedAtMs: number,
    adapt: (topic: string, body: unknown) => AdapterResult,
  ): Normalized | Promise<Normalized> {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return new Rejection('malformed_json', clip((error as Error).message, 120));
    }
    const adapted = adapt(topic, body);
    if (!adapted.ok) {
      // A refusal for a well-formed devEui is counted under its device when registered.
      const error = adapted.error;
      if (adapted.devEui === undefined) return new Rejection('schema', error);
      const found = this.devices.byDevEui(adapted.devEui);
      const refuse = (d: DeviceInfo | undefined) => new Rejection('schema', error, d?.tenant, d?.id);
      return found instanceof Promise ? found.then(refuse) : refuse(found);
    }
    const up = adapted.uplink;
    // From the body parsed above: the way a command back to this device goes.
    const route = lorawanRouteOfUplink(topic, body);
    const toReading = (device: DeviceInfo | undefined): Normalized => {
      if (!device) return new Rejection('unknown_dev_eui', `devEui ${up.devEui} is not registered`);
      // An uplink on the ack port answers a command (docs/DEVICE-CONTRACT.md): it is an ack
      // reading like a native ack, whose strict schema has no radio fields. Acks are
      // the simulated JSON codec's, in the contract's names: the model's profile is for telemetry.
      if (up.fPort === LORAWAN_FPORTS.ack) return this.validate(device, 'ack', { ...up.object, ts: up.timeMs ?? receivedAtMs, seq: up.fCnt }, receivedAtMs, route);
      let fields = up.object;
      if (device.codec) {
        const decoded = decodeWithProfile(device.codec, up.object);
        if (!decoded.ok) return new Rejection('schema', `codec of model ${device.model ?? '?'}: ${decoded.error}`, device.tenant, device.id);
        fields = decoded.reading;
      }
      const reading: Record<string, unknown> = { ...fields, ts: up.timeMs ?? receivedAtMs, seq: up.fCnt };
      if (up.rssiDbm !== undefined) reading.rssi_dbm = up.rssiDbm;
      if (up.snrDb !== undefined) reading.snr_db = up.snrDb;
      return this.validate(device, 'telemetry', reading, receivedAtMs, route);
    };
    const found = this.devices.byDevEui(up.devEui);
    return found instanceof Promise ? found.then(toReading) : toReading(found);
  }

  private validate(device: DeviceInfo, channel: UplinkChannel, body: unknown, receivedAtMs: number, route: LorawanRoute | undefined): Normalized {
    const schema = uplinkSchema(device.type, channel);
    const fast = compiledOf(schema)?.(body);
    const result = fast === undefined ? schema.safeParse(body) : ({ success: true, data: fast } as const);
    // A ts out of the window is a fault of time whether or not the schema also refuses the
    // number (negative, Infinity from `1e400`); only when ts is the schema's one complaint,
    // so a message with other faults still says schema.
    const onlyTs = result.success || flatIssues(result.error).every((i) => i.path.length === 1 && i.path[0] === 'ts');
    const late = onlyTs ? judgeTimestamp(isRecord(body) ? body.ts : undefined, receivedAtMs, this.limits) : undefined;
    if (late) return new Rejection(late.reason, late.detail, device.tenant, device.id);
    if (!result.success) return new Rejection('schema', describeIssues(result.error), device.tenant, device.id);
    const data = result.data as { ts?: unknown };
    // The schema pairs the body with the channel; a mapped type cannot say so to the compiler.
    return { device, channel, body: data, ts: typeof data.ts === 'number' ? data.ts : receivedAtMs, route } as Reading;
  }
}
