import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CMD_SCHEMAS } from './contract';
import {
  CHIRPSTACK_DOWNLINK_FILTER,
  CHIRPSTACK_UPLINK_FILTER,
  LORAWAN_FPORTS,
  lorawanDownlink,
  lorawanRouteOfUplink,
  parseLorawanDownlink,
  TTS_DOWNLINK_FILTER,
  TTS_UPLINK_FILTER,
  type LorawanRoute,
} from './lorawan';

const EUI = '70b3d57ed0000007';
const APP = '6f1c2a9e-3b4d-4e5f-8a6b-7c8d9e0f1a2b';
const command = { cmd_id: 'c-7f3a9e', ts: 1766347200000, level_pct: 30, reason: 'override' };
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const bodyOf = (b: Buffer) => JSON.parse(b.toString('utf8')) as Record<string, unknown>;

/** MQTT 3.1.1 §4.7 topic matching, `+` only (all the filters here use). */
const matches = (filter: string, topic: string) => {
  const f = filter.split('/');
  const t = topic.split('/');
  return f.length === t.length && f.every((level, i) => level === '+' || level === t[i]);
};

// Uplinks as the network servers publish them (DOMAIN.md field names), an ack on fPort 11.
const ack = { cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30 };
const chirpstackUplink = {
  topic: `application/${APP}/device/${EUI}/event/up`,
  body: {
    deduplicationId: '0d6c1b7e-5a8f-4c3d-9e2b-1a0f9e8d7c6b',
    time: '2025-12-21T12:00:01.500Z',
    deviceInfo: { tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242', applicationId: APP, deviceName: 'lc-02408-1', devEui: EUI },
    devAddr: '01a2b3c4',
    fCnt: 42,
    fPort: LORAWAN_FPORTS.ack,
    data: b64(ack),
    object: ack,
    rxInfo: [{ gatewayId: 'a84041ffff1e2b3c', rssi: -97, snr: 6.5 }],
  },
};
const ttsUplink = {
  topic: 'v3/hv-02408@useda/devices/lc-02408-1/up',
  body: {
    end_device_ids: { device_id: 'lc-02408-1', application_ids: { application_id: 'hv-02408' }, dev_eui: EUI.toUpperCase() },
    received_at: '2025-12-21T12:00:01.500Z',
    uplink_message: { f_port: LORAWAN_FPORTS.ack, f_cnt: 42, frm_payload: b64(ack), decoded_payload: ack, rx_metadata: [{ rssi: -97, snr: 6.5 }] },
  },
};

describe('lorawanRouteOfUplink', () => {
  it('routes a reply to a ChirpStack v4 uplink to its application and devEui', () => {
    expect(matches(CHIRPSTACK_UPLINK_FILTER, chirpstackUplink.topic)).toBe(true);
    expect(lorawanRouteOfUplink(chirpstackUplink.topic, chirpstackUplink.body)).toEqual({ format: 'chirpstack', applicationId: APP, devEui: EUI });
  });

  it('routes a reply to a The Things Stack v3 uplink to its application, tenant and device id, devEui from the body in lower case', () => {
    expect(matches(TTS_UPLINK_FILTER, ttsUplink.topic)).toBe(true);
    expect(lorawanRouteOfUplink(ttsUplink.topic, ttsUplink.body)).toEqual({
      format: 'tts',
      applicationId: 'hv-02408',
      tenantId: 'useda',
      deviceId: 'lc-02408-1',
      devEui: EUI,
    });
  });

  it.each([
    ['a native topic', 'hv/v1/02408/lighting/lc-02408-1/ack', chirpstackUplink.body],
    ['a ChirpStack join event', `application/${APP}/device/${EUI}/event/join`, chirpstackUplink.body],
    ['a ChirpStack devEui that is not 16 hex digits', `application/${APP}/device/70b3d57e/event/up`, {}],
    ['a ChirpStack body naming another devEui', chirpstackUplink.topic, { ...chirpstackUplink.body, deviceInfo: { devEui: '70b3d57ed0000008' } }],
    ['a TTS uplink without dev_eui', ttsUplink.topic, { ...ttsUplink.body, end_device_ids: { device_id: 'lc-02408-1' } }],
    ['a TTS body naming another device', ttsUplink.topic, { ...ttsUplink.body, end_device_ids: { device_id: 'lc-02408-2', dev_eui: EUI } }],
    ['a TTS application without @tenant', 'v3/hv-02408/devices/lc-02408-1/up', ttsUplink.body],
    ['a TTS level with a wildcard', 'v3/hv-02408@useda/devices/+/up', ttsUplink.body],
  ])('finds no route in %s', (_what, topic, body) => {
    expect(lorawanRouteOfUplink(topic, body)).toBeUndefined();
  });
});

describe('lorawanDownlink', () => {
  const chirpstackRoute = lorawanRouteOfUplink(chirpstackUplink.topic, chirpstackUplink.body)!;
  const ttsRoute = lorawanRouteOfUplink(ttsUplink.topic, ttsUplink.body)!;

  it('ChirpStack v4: {devEui, confirmed, fPort 10, data} on .../command/down at QoS 1', () => {
    const down = lorawanDownlink(chirpstackRoute, command);
    expect(down.topic).toBe(`application/${APP}/device/${EUI}/command/down`);
    expect(matches(CHIRPSTACK_DOWNLINK_FILTER, down.topic)).toBe(true);
    expect(down.qos).toBe(1);
    expect(bodyOf(down.payload)).toEqual({ devEui: EUI, confirmed: false, fPort: 10, data: b64(command) });
  });

  it('The Things Stack v3: {downlinks:[{f_port 10, frm_payload, priority, confirmed}]} on .../down/push at QoS 0', () => {
    const down = lorawanDownlink(ttsRoute, command, { confirmed: true });
    expect(down.topic).toBe('v3/hv-02408@useda/devices/lc-02408-1/down/push');
    expect(matches(TTS_DOWNLINK_FILTER, down.topic)).toBe(true);
    expect(down.qos).toBe(0);
    expect(bodyOf(down.payload)).toEqual({ downlinks: [{ f_port: 10, frm_payload: b64(command), priority: 'NORMAL', confirmed: true }] });
  });

  it.each([chirpstackRoute, ttsRoute])('round-trips through parseLorawanDownlink ($format)', (route) => {
    for (const confirmed of [false, true]) {
      const down = lorawanDownlink(route, command, { confirmed });
      const { devEui: _devEui, ...target } = route as LorawanRoute & { devEui: string };
      const expected = route.format === 'chirpstack' ? route : target;
      expect(parseLorawanDownlink(down.topic, down.payload)).toEqual({ ok: true, route: expected, command, confirmed });
    }
  });

  it.each([
    [{ format: 'chirpstack', applicationId: 'a/b', devEui: EUI }, /applicationId/],
    [{ format: 'chirpstack', applicationId: APP, devEui: '70b3d57e' }, /devEui/],
    [{ format: 'tts', applicationId: 'app', tenantId: 'useda', deviceId: '#', devEui: EUI }, /deviceId/],
    [{ format: 'tts', applicationId: 'app@x', tenantId: 'useda', deviceId: 'd', devEui: EUI }, /applicationId/],
  ] as const)('refuses a route that cannot form a topic: %o', (route, error) => {
    expect(() => lorawanDownlink(route, command)).toThrow(error);
  });
});

describe('parseLorawanDownlink', () => {
  const csTopic = `application/${APP}/device/${EUI}/command/down`;
  const ttsTopic = 'v3/hv-02408@useda/devices/lc-02408-1/down/push';

  it('takes a command ChirpStack would encode with the profile codec (object) or TTS with the formatter (decoded_payload)', () => {
    expect(parseLorawanDownlink(csTopic, json({ devEui: EUI.toUpperCase(), fPort: 10, object: command }))).toMatchObject({ ok: true, command, confirmed: false });
    expect(parseLorawanDownlink(ttsTopic, json({ downlinks: [{ f_port: 10, decoded_payload: command }] }))).toMatchObject({ ok: true, command });
  });

  it.each([
    ['a native cmd topic', 'hv/v1/02408/lighting/lc-02408-1/cmd', json(command), /topic is not/],
    ['an uplink topic', `application/${APP}/device/${EUI}/event/up`, json({}), /topic is not/],
    ['a payload that is not JSON', csTopic, Buffer.from('{"devEui":'), /not JSON/],
    ['a ChirpStack topic with a short devEui', `application/${APP}/device/70b3/command/down`, json({}), /devEui/],
    ['a devEui other than the topic', csTopic, json({ devEui: '70b3d57ed0000008', fPort: 10, data: b64(command) }), /differs from the topic/],
    ['another port', csTopic, json({ devEui: EUI, fPort: 2, data: b64(command) }), /fPort 2 is not the command port 10/],
    ['data that is not base64', csTopic, json({ devEui: EUI, fPort: 10, data: 'not base64!' }), /data: not base64/],
    ['base64 that is not JSON', csTopic, json({ devEui: EUI, fPort: 10, data: Buffer.from('\x01\x02').toString('base64') }), /data: not the base64 of a JSON/],
    ['both data and object', csTopic, json({ devEui: EUI, fPort: 10, data: b64(command), object: command }), /exactly one of data and object/],
    ['a missing fPort', csTopic, json({ devEui: EUI, data: b64(command) }), /fPort/],
    ['a TTS push of two downlinks', ttsTopic, json({ downlinks: [{ f_port: 10, frm_payload: b64(command) }, { f_port: 10, frm_payload: b64(command) }] }), /exactly one downlink/],
    ['a TTS downlink on another port', ttsTopic, json({ downlinks: [{ f_port: 11, frm_payload: b64(command) }] }), /f_port 11 is not the command port 10/],
    ['a TTS downlink with an unknown priority', ttsTopic, json({ downlinks: [{ f_port: 10, frm_payload: b64(command), priority: 'URGENT' }] }), /priority/],
    ['a TTS application without @tenant', 'v3/hv-02408/devices/lc-02408-1/down/push', json({ downlinks: [] }), /\{app\}@\{tenant\}/],
  ])('refuses %s with a clear error', (_what, topic, payload, error) => {
    const parsed = parseLorawanDownlink(topic, payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('docs/DEVICE-CONTRACT.md downlink examples', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/DEVICE-CONTRACT.md'), 'utf8');
  const examples = [...doc.matchAll(/<!-- downlink: (chirpstack|tts) -->[\s\S]*?```json\n([\s\S]*?)```/g)].map((m) => ({ format: m[1]!, body: JSON.parse(m[2]!) }));

  it('shows one downlink per network server, each what lorawanDownlink makes of a valid lighting command', () => {
    expect(examples.map((e) => e.format).sort()).toEqual(['chirpstack', 'tts']);
    for (const { format, body } of examples) {
      const route: LorawanRoute = format === 'chirpstack'
        ? { format, applicationId: APP, devEui: body.devEui }
        : { format: 'tts', applicationId: 'hv-02408', tenantId: 'useda', deviceId: 'lc-02408-1', devEui: EUI };
      const down = format === 'chirpstack' ? body : body.downlinks[0];
      const shown = JSON.parse(Buffer.from(format === 'chirpstack' ? down.data : down.frm_payload, 'base64').toString('utf8'));
      expect(CMD_SCHEMAS.lighting.safeParse(shown).error?.issues ?? []).toEqual([]);
      expect(bodyOf(lorawanDownlink(route, shown, { confirmed: down.confirmed }).payload)).toEqual(body);
    }
  });
});
