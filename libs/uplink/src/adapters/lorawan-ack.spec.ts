import { describe, expect, it } from 'vitest';
import { decodeLorawanAck } from './lorawan-ack';

const EUI = '70b3d57ed0000009';
const TIME = '2025-12-21T12:00:01.500Z';
const ack = { cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30 };
const csTopic = `application/6f1c2a9e-3b4d-4e5f-8a6b-7c8d9e0f1a2b/device/${EUI}/event/up`;
const ttsTopic = 'v3/hv-02408@useda/devices/lc-02408-9/up';
const json = (o: unknown, indent?: number) => Buffer.from(JSON.stringify(o, null, indent));
const chirpstack = (extra: Record<string, unknown> = {}) => ({ deviceInfo: { devEui: EUI }, time: TIME, fCnt: 42, fPort: 11, object: ack, ...extra });
const tts = (up: Record<string, unknown> = {}) => ({
  end_device_ids: { device_id: 'lc-02408-9', dev_eui: EUI.toUpperCase() },
  received_at: TIME,
  uplink_message: { f_port: 11, f_cnt: 42, decoded_payload: ack, ...up },
});

describe('decodeLorawanAck', () => {
  it('reads a ChirpStack fPort-11 uplink as the ack, ts from time and seq from fCnt, with its reply route', () => {
    expect(decodeLorawanAck(csTopic, json(chirpstack()))).toEqual({
      devEui: EUI,
      ack: { ...ack, ts: Date.parse(TIME), seq: 42 },
      route: { format: 'chirpstack', applicationId: '6f1c2a9e-3b4d-4e5f-8a6b-7c8d9e0f1a2b', devEui: EUI },
    });
  });

  it('reads a The Things Stack f_port-11 uplink, pretty-printed or not', () => {
    const expected = {
      devEui: EUI,
      ack: { ...ack, ts: Date.parse(TIME), seq: 42 },
      route: { format: 'tts', applicationId: 'hv-02408', tenantId: 'useda', deviceId: 'lc-02408-9', devEui: EUI },
    };
    expect(decodeLorawanAck(ttsTopic, json(tts()))).toEqual(expected);
    expect(decodeLorawanAck(ttsTopic, json(tts(), 2))).toEqual(expected);
  });

  it('leaves ts out when the network server gave no time (the caller stamps its receive time)', () => {
    const decoded = decodeLorawanAck(csTopic, json(chirpstack({ time: undefined })));
    expect(decoded && 'ack' in decoded ? decoded.ack : decoded).toEqual({ ...ack, seq: 42 });
  });

  it.each([
    ['a native ack topic', 'hv/v1/02408/lighting/lc-02408-9/ack', json({ ...ack, ts: 1, seq: 1 })],
    ['telemetry on fPort 2', csTopic, json(chirpstack({ fPort: 2, object: { on: true } }))],
    ['telemetry without fPort', csTopic, json(chirpstack({ fPort: undefined }))],
    ['fPort 110', csTopic, json(chirpstack({ fPort: 110 }))],
    ['fPort 1', csTopic, json(chirpstack({ fPort: 1 }))],
    ['a decoded object that names fPort 11 on a telemetry uplink', csTopic, json(chirpstack({ fPort: 2, object: { fPort: 11 } }))],
    ['TTS telemetry on f_port 2', ttsTopic, json(tts({ f_port: 2 }))],
    ['a malformed telemetry uplink', csTopic, Buffer.from('{"fPort": 2, "object":')],
  ])('is undefined for %s', (_what, topic, payload) => {
    expect(decodeLorawanAck(topic, payload)).toBeUndefined();
  });

  it.each([
    ['malformed JSON', csTopic, Buffer.from('{"fPort":11,"object":'), /not JSON/],
    ['an ack without a decoded object', csTopic, json(chirpstack({ object: undefined })), /object: missing/],
    ['a devEui other than the topic', csTopic, json(chirpstack({ deviceInfo: { devEui: '70b3d57ed0000008' } })), /differs from the topic/],
    ['a TTS application without @tenant', 'v3/hv-02408/devices/lc-02408-9/up', json(tts()), /no route/],
  ])('reports %s as an error', (_what, topic, payload, error) => {
    const decoded = decodeLorawanAck(topic, payload);
    expect(decoded && 'error' in decoded ? decoded.error : decoded).toMatch(error);
  });
});
