import { z } from 'zod';
import { describeIssues } from './contract';
import { DEV_EUI_PATTERN, devEuiSchema } from './ids';

/**
 * LoRaWAN application ports (FPort, LoRaWAN 1.0.x §4.3.2: 1..223 are the application's).
 * Downlinks on port 10 carry a command; uplinks on port 11 carry the device's ack. Telemetry
 * uplinks keep their own port (the simulated devices use 2): any uplink not on 11 is telemetry.
 */
export const LORAWAN_FPORTS = { command: 10, ack: 11 } as const;

/** ChirpStack v4 uplink events: `application/{applicationId}/device/{devEui}/event/up`. */
export const CHIRPSTACK_UPLINK_FILTER = 'application/+/device/+/event/up';
/** The Things Stack v3 uplinks: `v3/{application}@{tenant}/devices/{device}/up` (QoS 0 only). */
export const TTS_UPLINK_FILTER = 'v3/+/devices/+/up';
/** ChirpStack v4 downlink queue: `application/{applicationId}/device/{devEui}/command/down`. */
export const CHIRPSTACK_DOWNLINK_FILTER = 'application/+/device/+/command/down';
/** The Things Stack v3 downlink queue: `v3/{application}@{tenant}/devices/{device}/down/push`. */
export const TTS_DOWNLINK_FILTER = 'v3/+/devices/+/down/push';

export type LorawanFormat = 'chirpstack' | 'tts';

/** Where a reply to a LoRaWAN device goes: its network server, application and device. */
export type LorawanRoute =
  | { format: 'chirpstack'; applicationId: string; devEui: string }
  | { format: 'tts'; applicationId: string; tenantId: string; deviceId: string; devEui: string };

/** What a downlink topic and body name: a TTS downlink names the device id, not the devEui. */
export type LorawanDownlinkTarget =
  | { format: 'chirpstack'; applicationId: string; devEui: string }
  | { format: 'tts'; applicationId: string; tenantId: string; deviceId: string };

export interface LorawanDownlink {
  topic: string;
  payload: Buffer;
  /** The Things Stack accepts QoS 0 only (DOMAIN.md); ChirpStack gets QoS 1. */
  qos: 0 | 1;
}

export type LorawanDownlinkParse =
  | { ok: true; route: LorawanDownlinkTarget; command: unknown; confirmed: boolean }
  | { ok: false; error: string };

/**
 * One topic level taken from a network server (ChirpStack UUIDs, TTS ids, which are
 * `[a-z0-9-]`, 3..36): no `/`, `+`, `#` or `@`, so a route cannot inject a level.
 */
const LEVEL_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The route a reply to this uplink takes, or undefined when the topic is not a ChirpStack
 * v4 or The Things Stack v3 uplink, or the body contradicts it. The ChirpStack topic names
 * the devEui; the TTS topic names the network server's device id and the body its devEui.
 */
export function lorawanRouteOfUplink(topic: string, body: unknown): LorawanRoute | undefined {
  const parts = topic.split('/');
  if (parts.length === 6 && parts[0] === 'application' && parts[2] === 'device' && parts[4] === 'event' && parts[5] === 'up') {
    const applicationId = parts[1]!;
    const devEui = parts[3]!.toLowerCase();
    if (!LEVEL_PATTERN.test(applicationId) || !DEV_EUI_PATTERN.test(devEui)) return undefined;
    const named = field(field(body, 'deviceInfo'), 'devEui');
    if (named !== undefined && (typeof named !== 'string' || named.toLowerCase() !== devEui)) return undefined;
    return { format: 'chirpstack', applicationId, devEui };
  }
  if (parts.length === 5 && parts[0] === 'v3' && parts[2] === 'devices' && parts[4] === 'up') {
    const app = splitTtsApplication(parts[1]!);
    const deviceId = parts[3]!;
    if (!app || !LEVEL_PATTERN.test(deviceId)) return undefined;
    const ids = field(body, 'end_device_ids');
    const devEui = field(ids, 'dev_eui');
    if (typeof devEui !== 'string' || !DEV_EUI_PATTERN.test(devEui.toLowerCase())) return undefined;
    const named = field(ids, 'device_id');
    if (named !== undefined && named !== deviceId) return undefined;
    return { format: 'tts', ...app, deviceId, devEui: devEui.toLowerCase() };
  }
  return undefined;
}

/**
 * A command as its network server's downlink: ChirpStack v4 `{devEui, confirmed, fPort,
 * data}` on `.../command/down` (QoS 1), The Things Stack v3 `{downlinks:[{f_port,
 * frm_payload, priority, confirmed}]}` on `.../down/push` (QoS 0). The command is the
 * same JSON object as on the native `cmd` topic, base64-encoded as the frame payload: the
 * simulated devices' codec is JSON. A real device profile's codec is binary (a JSON
 * command of ~100 bytes exceeds the 51-byte payload of EU868 DR0–2) and is the network
 * server's job, not Hyperviseur's.
 *
 * `confirmed` defaults to false: the fPort-11 ack already confirms at the application
 * level, and a confirmed downlink costs gateway airtime under the 868 MHz duty cycle.
 * Throws a RangeError for a route whose ids could not form a topic.
 */
export function lorawanDownlink(route: LorawanRoute | LorawanDownlinkTarget, command: Record<string, unknown>, options: { confirmed?: boolean } = {}): LorawanDownlink {
  const confirmed = options.confirmed ?? false;
  const data = Buffer.from(JSON.stringify(command)).toString('base64');
  if (route.format === 'chirpstack') {
    const devEui = route.devEui.toLowerCase();
    if (!DEV_EUI_PATTERN.test(devEui)) throw new RangeError(`devEui "${route.devEui}" is not 16 hex digits`);
    checkLevel('applicationId', route.applicationId);
    const body = { devEui, confirmed, fPort: LORAWAN_FPORTS.command, data };
    return { topic: `application/${route.applicationId}/device/${devEui}/command/down`, payload: Buffer.from(JSON.stringify(body)), qos: 1 };
  }
  checkLevel('applicationId', route.applicationId);
  checkLevel('tenantId', route.tenantId);
  checkLevel('deviceId', route.deviceId);
  const body = { downlinks: [{ f_port: LORAWAN_FPORTS.command, frm_payload: data, priority: 'NORMAL', confirmed }] };
  return { topic: `v3/${route.applicationId}@${route.tenantId}/devices/${route.deviceId}/down/push`, payload: Buffer.from(JSON.stringify(body)), qos: 0 };
}

// Standard base64 with padding, as both network servers write it (Buffer.from would
// silently skip any other character).
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'not base64');
const fPort = z.number().int().min(1).max(223);
const decodedObject = z.record(z.string(), z.unknown());

/** ChirpStack v4 downlink: `data` (base64) or `object` (encoded by the profile's codec). */
const chirpstackDownlinkSchema = z
  .object({ devEui: devEuiSchema, confirmed: z.boolean().optional(), fPort, data: base64.optional(), object: decodedObject.optional() })
  .refine((d) => (d.data === undefined) !== (d.object === undefined), { message: 'exactly one of data and object is required' });

/** The Things Stack v3 downlink push; `decoded_payload` is encoded by the payload formatter. */
const ttsDownlinkSchema = z
  .object({
    f_port: fPort,
    frm_payload: base64.optional(),
    decoded_payload: decodedObject.optional(),
    priority: z.enum(['LOWEST', 'LOW', 'BELOW_NORMAL', 'NORMAL', 'ABOVE_NORMAL', 'HIGH', 'HIGHEST']).optional(),
    confirmed: z.boolean().optional(),
  })
  .refine((d) => (d.frm_payload === undefined) !== (d.decoded_payload === undefined), { message: 'exactly one of frm_payload and decoded_payload is required' });
const ttsPushSchema = z.object({ downlinks: z.array(ttsDownlinkSchema).length(1, 'expected exactly one downlink') });

/**
 * A downlink as a device would receive it (for simulators): the target, and the command
 * decoded from the JSON codec. Only fPort 10 carries commands; other ports are refused.
 */
export function parseLorawanDownlink(topic: string, payload: Buffer): LorawanDownlinkParse {
  const parts = topic.split('/');
  const isChirpstack = parts.length === 6 && parts[0] === 'application' && parts[2] === 'device' && parts[4] === 'command' && parts[5] === 'down';
  const isTts = parts.length === 6 && parts[0] === 'v3' && parts[2] === 'devices' && parts[4] === 'down' && parts[5] === 'push';
  if (!isChirpstack && !isTts) {
    return { ok: false, error: 'topic is not application/{applicationId}/device/{devEui}/command/down nor v3/{app}@{tenant}/devices/{device}/down/push' };
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, error: 'downlink is not JSON' };
  }
  return isChirpstack ? parseChirpstack(parts, body) : parseTts(parts, body);
}

function parseChirpstack(parts: string[], body: unknown): LorawanDownlinkParse {
  const applicationId = parts[1]!;
  const devEui = parts[3]!.toLowerCase();
  if (!LEVEL_PATTERN.test(applicationId)) return { ok: false, error: 'topic: bad applicationId' };
  if (!DEV_EUI_PATTERN.test(devEui)) return { ok: false, error: 'topic: devEui is not 16 hex digits' };
  const parsed = chirpstackDownlinkSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  const d = parsed.data;
  if (d.devEui !== devEui) return { ok: false, error: 'devEui differs from the topic' };
  if (d.fPort !== LORAWAN_FPORTS.command) return { ok: false, error: `fPort ${d.fPort} is not the command port ${LORAWAN_FPORTS.command}` };
  const command = d.object ?? decodeJson(d.data!);
  if (command === undefined) return { ok: false, error: 'data: not the base64 of a JSON value' };
  return { ok: true, route: { format: 'chirpstack', applicationId, devEui }, command, confirmed: d.confirmed ?? false };
}

function parseTts(parts: string[], body: unknown): LorawanDownlinkParse {
  const app = splitTtsApplication(parts[1]!);
  const deviceId = parts[3]!;
  if (!app) return { ok: false, error: 'topic: application is not {app}@{tenant}' };
  if (!LEVEL_PATTERN.test(deviceId)) return { ok: false, error: 'topic: bad device id' };
  const parsed = ttsPushSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  const d = parsed.data.downlinks[0]!;
  if (d.f_port !== LORAWAN_FPORTS.command) return { ok: false, error: `f_port ${d.f_port} is not the command port ${LORAWAN_FPORTS.command}` };
  const command = d.decoded_payload ?? decodeJson(d.frm_payload!);
  if (command === undefined) return { ok: false, error: 'downlinks.0.frm_payload: not the base64 of a JSON value' };
  return { ok: true, route: { format: 'tts', ...app, deviceId }, command, confirmed: d.confirmed ?? false };
}

/** `{app}@{tenant}` → its two ids; TTS Cloud topics always name the tenant. */
function splitTtsApplication(level: string): { applicationId: string; tenantId: string } | undefined {
  const at = level.indexOf('@');
  if (at < 0) return undefined;
  const applicationId = level.slice(0, at);
  const tenantId = level.slice(at + 1);
  return LEVEL_PATTERN.test(applicationId) && LEVEL_PATTERN.test(tenantId) ? { applicationId, tenantId } : undefined;
}

function checkLevel(name: string, value: string): void {
  if (!LEVEL_PATTERN.test(value)) throw new RangeError(`${name} "${value}" cannot be a topic level (expected [A-Za-z0-9._-]{1,64})`);
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function decodeJson(b64: string): unknown {
  try {
    return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}
