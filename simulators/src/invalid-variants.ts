import { DOMAINS, deviceTopic } from '@hv/contracts';
import type { SimDevice } from './fleet';
import type { InvalidMessage, SimRejectReason } from './invalid';
import type { InvalidContext } from './invalid-context';
import { lorawanUplink } from './lorawan';

/** One way of breaking a message; null when the fleet lacks what it needs. */
export type InvalidVariant = Omit<InvalidMessage, 'expectedReason'>;
type Variant = (ctx: InvalidContext) => InvalidVariant | null;

const json = (body: unknown) => Buffer.from(JSON.stringify(body));

export const VARIANTS: Record<SimRejectReason, readonly Variant[]> = {
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
