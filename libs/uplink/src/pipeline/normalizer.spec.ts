import { describe, expect, it } from 'vitest';
import { pointOfReading, type Point } from '@hv/contracts';
import { Normalizer, type Normalized } from './normalizer';
import { StaticDeviceDirectory, type DeviceInfo } from './device-directory';
import { Rejection } from './rejection';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const lamp: DeviceInfo = { id: 'lc-02408-1', tenant: '02408', type: 'lighting-controller', epci: '200043495', cabinet: 'lc-02408-c1', devEui: null };
const spot: DeviceInfo = { id: 'ps-02691-7', tenant: '02691', type: 'parking-spot', epci: null, cabinet: null, devEui: '70b3d57ed0000007' };
const loraLamp: DeviceInfo = { id: 'lc-02408-9', tenant: '02408', type: 'lighting-controller', epci: '200043495', cabinet: null, devEui: '70b3d57ed0000009' };
const normalizer = new Normalizer(new StaticDeviceDirectory([lamp, spot, loraLamp]), { maxPayloadBytes: 1024, maxFutureMs: 300_000, maxPastMs: 86_400_000 });

const lampTelemetry = { ts: NOW - 1000, seq: 12, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5 };
const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const read = (topic: string, payload: Buffer, n = normalizer): Normalized => {
  const out = n.normalize(topic, payload, NOW);
  if (out instanceof Promise) throw new Error('static directory answers synchronously');
  return out;
};
/** A reading as ingest stores it: its point (the one mapping, in contracts). */
const asPoint = (n: Normalized): Point | Rejection => (n instanceof Rejection ? n : pointOfReading(n));
const run = (topic: string, payload: Buffer): Point | Rejection => asPoint(read(topic, payload));
const reasonOf = (n: Point | Rejection) => (n instanceof Rejection ? n.reason : 'stored');

describe('Normalizer, native topics', () => {
  it('turns a valid lighting telemetry into a point with registry tags and float fields', () => {
    const point = run('hv/v1/02408/lighting/lc-02408-1/telemetry', json(lampTelemetry));
    expect(point).toEqual({
      measurement: 'lighting_controller',
      tags: { tenant: '02408', device: 'lc-02408-1', epci: '200043495', cabinet: 'lc-02408-c1' },
      fields: { seq: 12, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5 },
      timestampMs: NOW - 1000,
    });
  });

  it('stores events with their enum keys as tags', () => {
    const point = run('hv/v1/02408/lighting/lc-02408-1/event', json({ ts: NOW, seq: 13, event: 'fault_raised', code: 'lamp_failure' }));
    expect(point).toMatchObject({ measurement: 'device_event', tags: { event: 'fault_raised', code: 'lamp_failure', domain: 'lighting', type: 'lighting-controller' } });
  });

  it.each([
    ['oversized', 'hv/v1/02408/lighting/lc-02408-1/telemetry', Buffer.alloc(1025, 0x20)],
    ['bad_topic', 'hv/v1/02408/lighting/LC 1/telemetry', json(lampTelemetry)],
    ['bad_topic', 'hv/v2/02408/lighting/lc-02408-1/telemetry', json(lampTelemetry)],
    ['bad_topic', 'somewhere/else', json(lampTelemetry)],
    ['unexpected_channel', 'hv/v1/02408/lighting/lc-02408-1/cmd', json({})],
    ['unknown_device', 'hv/v1/02408/lighting/lc-02408-999/telemetry', json(lampTelemetry)],
    ['tenant_mismatch', 'hv/v1/02691/lighting/lc-02408-1/telemetry', json(lampTelemetry)],
    ['domain_mismatch', 'hv/v1/02408/parking/lc-02408-1/telemetry', json(lampTelemetry)],
    ['malformed_json', 'hv/v1/02408/lighting/lc-02408-1/telemetry', Buffer.from('{"ts": 1,')],
    ['schema', 'hv/v1/02408/lighting/lc-02408-1/telemetry', json({ ...lampTelemetry, level_pct: 150 })],
    ['schema', 'hv/v1/02408/lighting/lc-02408-1/telemetry', json([1, 2, 3])],
    ['schema', 'hv/v1/02408/lighting/lc-02408-1/telemetry', json({ ...lampTelemetry, power_w: 'high' })],
    ['timestamp_future', 'hv/v1/02408/lighting/lc-02408-1/telemetry', json({ ...lampTelemetry, ts: NOW + 301_000 })],
    ['timestamp_past', 'hv/v1/02408/lighting/lc-02408-1/telemetry', json({ ...lampTelemetry, ts: NOW - 86_401_000 })],
  ])('rejects with %s: %s', (reason, topic, payload) => {
    const out = run(topic, payload);
    expect(reasonOf(out)).toBe(reason);
    expect((out as Rejection).detail.length).toBeGreaterThan(0);
  });

  it('names the tenant and device of a rejection only when the topic gave well-formed ones', () => {
    const schema = run('hv/v1/02408/lighting/lc-02408-1/telemetry', json({ ...lampTelemetry, level_pct: -1 })) as Rejection;
    expect([schema.tenant, schema.device]).toEqual(['02408', 'lc-02408-1']);
    expect(schema.detail).toContain('level_pct');
    const bad = run('hv/v1/0,2/lighting/x=1/telemetry', json(lampTelemetry)) as Rejection;
    expect([bad.reason, bad.tenant, bad.device]).toEqual(['bad_topic', undefined, undefined]);
  });
});

describe('Normalizer, LoRaWAN network servers', () => {
  const chirpstack = (devEui: string, object: unknown, extra: Record<string, unknown> = {}) =>
    json({ deviceInfo: { devEui, deviceName: 'spot 7' }, time: new Date(NOW - 2000).toISOString(), fCnt: 41, object, rxInfo: [{ rssi: -112, snr: -3.5 }, { rssi: -98, snr: 4 }], ...extra });
  const tts = (devEui: string, decoded: unknown) =>
    json({ end_device_ids: { device_id: 'spot-7', dev_eui: devEui.toUpperCase() }, received_at: new Date(NOW - 3000).toISOString(), uplink_message: { f_cnt: 9, decoded_payload: decoded, rx_metadata: [{ rssi: -101, snr: 2.5 }] } });

  it('maps a ChirpStack v4 uplink onto the registered device, with fCnt as seq and the best radio', () => {
    const point = run('application/parking-app/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { occupied: true, battery_pct: 80 }));
    expect(point).toEqual({
      measurement: 'parking_spot',
      tags: { tenant: '02691', device: 'ps-02691-7' },
      fields: { occupied: true, battery_pct: 80, seq: 41, rssi_dbm: -98, snr_db: 4 },
      timestampMs: NOW - 2000,
    });
  });

  it('maps a The Things Stack v3 uplink (upper-case dev_eui) onto the registered device', () => {
    const point = run('v3/parking@usEda/devices/spot-7/up', tts('70b3d57ed0000007', { occupied: false }));
    expect(point).toMatchObject({ measurement: 'parking_spot', tags: { tenant: '02691', device: 'ps-02691-7' }, fields: { occupied: false, seq: 9, rssi_dbm: -101 }, timestampMs: NOW - 3000 });
  });

  it('stores a ChirpStack uplink on fPort 11 as the device ack, fCnt as seq, without radio fields', () => {
    const point = run('application/parking-app/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { cmd_id: 'c-21', status: 'ok' }, { fPort: 11 }));
    expect(point).toEqual({
      measurement: 'device_ack',
      tags: { tenant: '02691', device: 'ps-02691-7', type: 'parking-spot', domain: 'parking', status: 'ok' },
      fields: { cmd_id: 'c-21', seq: 41 },
      timestampMs: NOW - 2000,
    });
  });

  it('stores a The Things Stack uplink on f_port 11 as the same device_ack point a native ack makes', () => {
    const ack = { cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30 };
    const body = { end_device_ids: { device_id: 'lc-02408-9', dev_eui: '70B3D57ED0000009' }, received_at: new Date(NOW - 3000).toISOString(), uplink_message: { f_port: 11, f_cnt: 9, decoded_payload: ack, rx_metadata: [{ rssi: -101, snr: 2.5 }] } };
    const viaRadio = run('v3/hv-02408@useda/devices/lc-02408-9/up', json(body));
    const native = run('hv/v1/02408/lighting/lc-02408-9/ack', json({ ...ack, ts: NOW - 3000, seq: 9 }));
    expect(native).toMatchObject({ measurement: 'device_ack' });
    expect(viaRadio).toEqual(native);
  });

  it('keeps reading an uplink on another port as telemetry', () => {
    const point = run('application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { occupied: true }, { fPort: 2 }));
    expect(point).toMatchObject({ measurement: 'parking_spot', fields: { occupied: true, seq: 41 } });
  });

  it.each([
    ['schema', 'application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { occupied: true }, { fPort: 11 })],
    ['schema', 'application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { occupied: true }, { fPort: '2' })],
    ['unknown_dev_eui', 'application/a/device/70b3d57ed00000ff/event/up', chirpstack('70b3d57ed00000ff', { occupied: true })],
    ['schema', 'application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000008', { occupied: true })],
    ['schema', 'application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', undefined)],
    ['schema', 'application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { occupied: 'yes' })],
    ['schema', 'application/a/device/70b3d57ed0000007/event/up', chirpstack('70b3d57ed0000007', { occupied: true }, { time: 'yesterday' })],
    ['malformed_json', 'application/a/device/70b3d57ed0000007/event/up', Buffer.from('not json')],
    ['unknown_dev_eui', 'v3/app@t/devices/x/up', tts('00000000000000aa', { occupied: true })],
    ['schema', 'v3/app@t/devices/x/up', json({ end_device_ids: { dev_eui: 'zz' } })],
  ])('rejects with %s', (reason, topic, payload) => {
    expect(reasonOf(run(topic, payload))).toBe(reason);
  });
});

describe('Normalizer, timestamps: one reason per kind of fault, on every channel and network', () => {
  const huge = [9e15, 8.64e15 + 1, 1e21, Number.MAX_VALUE];
  const eui = '70b3d57ed0000007';
  const native: Array<[string, string, (ts: number) => Record<string, unknown>]> = [
    ['telemetry', 'hv/v1/02408/lighting/lc-02408-1/telemetry', (ts) => ({ ...lampTelemetry, ts })],
    ['event', 'hv/v1/02408/lighting/lc-02408-1/event', (ts) => ({ ts, seq: 3, event: 'presence' })],
    ['status', 'hv/v1/02408/lighting/lc-02408-1/status', (ts) => ({ ts, online: true })],
    ['ack', 'hv/v1/02408/lighting/lc-02408-1/ack', (ts) => ({ ts, seq: 4, cmd_id: 'c-1', status: 'ok', on: true, level_pct: 30 })],
  ];

  it.each(native)('native %s: a ts too large for a date is timestamp_future, not schema, and the dead letter says why', (_channel, topic, body) => {
    for (const ts of huge) {
      const out = run(topic, json(body(ts))) as Rejection;
      expect([out.reason, out.tenant, out.device], String(ts)).toEqual(['timestamp_future', '02408', 'lc-02408-1']);
      expect(out.detail).toContain('not a representable date');
    }
    // 1e400 is read by JSON.parse as Infinity
    expect(reasonOf(run(topic, Buffer.from(JSON.stringify(body(1)).replace(/"ts":1\b/, '"ts":1e400'))))).toBe('timestamp_future');
  });

  it.each(native)('native %s: far back or before 1970 is timestamp_past, not schema', (_channel, topic, body) => {
    for (const ts of [1, 0, -1, -9e15, NOW - 86_401_000]) expect(reasonOf(run(topic, json(body(ts)))), String(ts)).toBe('timestamp_past');
    expect(reasonOf(run(topic, Buffer.from(JSON.stringify(body(1)).replace(/"ts":1\b/, '"ts":-1e400'))))).toBe('timestamp_past');
  });

  it.each(native)('native %s: a ts that is not a number is schema, naming ts', (_channel, topic, body) => {
    for (const ts of ['soon', null, NOW + 0.5]) {
      const out = run(topic, json({ ...body(NOW), ts })) as Rejection;
      expect(out.reason).toBe('schema');
      expect(out.detail).toMatch(/^ts: /);
    }
  });

  const chirpstackAt = (time: string, fPort = 2) =>
    json({ deviceInfo: { devEui: eui }, time, fCnt: 5, fPort, object: fPort === 11 ? { cmd_id: 'c-1', status: 'ok' } : { occupied: true } });
  const ttsAt = (receivedAt: string, fPort = 2) =>
    json({ end_device_ids: { dev_eui: eui }, received_at: receivedAt, uplink_message: { f_cnt: 5, f_port: fPort, decoded_payload: fPort === 11 ? { cmd_id: 'c-1', status: 'ok' } : { occupied: true } } });
  const lorawan: Array<[string, (t: string, fPort?: number) => Buffer, string]> = [
    ['ChirpStack time', chirpstackAt, `application/a/device/${eui}/event/up`],
    ['TTS received_at', ttsAt, 'v3/app@t/devices/spot-7/up'],
  ];

  it.each(lorawan)('%s: far future or far back gets its timestamp reason under the device, on telemetry and ack ports', (_what, build, topic) => {
    for (const fPort of [2, 11]) {
      for (const [time, reason] of [
        ['9999-12-31T23:59:59Z', 'timestamp_future'],
        ['2262-04-12T00:00:00.000+02:00', 'timestamp_future'],
        ['0001-01-01T00:00:00Z', 'timestamp_past'],
        ['1677-09-21T00:12:43Z', 'timestamp_past'],
        ['1970-01-01T00:00:00Z', 'timestamp_past'],
      ] as const) {
        const out = run(topic, build(time, fPort)) as Rejection;
        expect([out.reason, out.tenant, out.device], `${time} fPort ${fPort}`).toEqual([reason, '02691', 'ps-02691-7']);
      }
    }
  });

  it.each(lorawan)('%s: a time that is not RFC 3339 is schema, naming the field', (_what, build, topic) => {
    for (const time of ['yesterday', 'Dec 21 2025', '2025', '+275760-09-13T00:00:00.001Z', '2025-13-45T99:99:99Z']) {
      const out = run(topic, build(time)) as Rejection;
      expect(out.reason, time).toBe('schema');
      expect(out.detail).toMatch(/time|received_at/);
    }
  });
});

describe('Normalizer, LoRaWAN devices of a model with a codec profile', () => {
  const elsysProfile = { fields: { co2: { to: 'co2_ppm' }, temperature: { to: 'temp_c' }, humidity: { to: 'rh_pct' }, motion: { to: 'occupied', convert: 'nonzero_is_true' } }, ignore: ['light', 'vdd'] } as const;
  const kelvin = { fields: { co2: { to: 'co2_ppm' }, tK: { to: 'temp_c', convert: 'kelvin_to_celsius' } }, ignore: [] } as const;
  const room: DeviceInfo = { id: 'co2-02408-1', tenant: '02408', type: 'co2-sensor', epci: null, cabinet: null, devEui: 'a81758fffe000001', model: 'elsys-ers-co2', codec: elsysProfile as never };
  const other: DeviceInfo = { id: 'co2-02408-2', tenant: '02408', type: 'co2-sensor', epci: null, cabinet: null, devEui: 'a81758fffe000002', model: 'lab-kelvin', codec: kelvin as never };
  const bare: DeviceInfo = { id: 'co2-02691-3', tenant: '02691', type: 'co2-sensor', epci: null, cabinet: null, devEui: 'a81758fffe000003' };
  const n = new Normalizer(new StaticDeviceDirectory([room, other, bare]), { maxPayloadBytes: 4096, maxFutureMs: 300_000, maxPastMs: 86_400_000 });
  const go = (topic: string, body: unknown) => asPoint(read(topic, json(body), n));
  const goP = ([topic, body]: readonly [string, unknown]) => go(topic, body);
  const time = new Date(NOW - 1000).toISOString();
  const cs = (eui: string, object: unknown, extra: Record<string, unknown> = {}) =>
    [`application/app/device/${eui}/event/up`, { deviceInfo: { devEui: eui }, time, fCnt: 7, fPort: 5, object, rxInfo: [{ rssi: -90, snr: 5 }], ...extra }] as const;
  const tts = (eui: string, decoded: unknown) =>
    [`v3/app@t/devices/dev/up`, { end_device_ids: { dev_eui: eui.toUpperCase() }, received_at: time, uplink_message: { f_port: 5, f_cnt: 7, decoded_payload: decoded } }] as const;
  const elsysOut = { temperature: 21.4, humidity: 38, light: 120, motion: 3, co2: 812, vdd: 3612 };

  it.each([['ChirpStack v4', cs], ['The Things Stack v3', tts]] as const)('%s: stores a real decoder\'s fields under the contract\'s names and units', (_ns, build) => {
    const point = goP(build(room.devEui!, elsysOut)) as Point;
    expect(point.measurement).toBe('co2_sensor');
    expect(point.tags).toMatchObject({ tenant: '02408', device: 'co2-02408-1' });
    expect(point.fields).toMatchObject({ co2_ppm: 812, temp_c: 21.4, rh_pct: 38, occupied: true, seq: 7 });
    expect(Object.keys(point.fields)).not.toContain('vdd');
    const k = goP(build(other.devEui!, { co2: 500, tK: 294.15 })) as Point;
    expect(k.fields.temp_c).toBeCloseTo(21, 9);
  });

  it.each([['ChirpStack v4', cs], ['The Things Stack v3', tts]] as const)('%s: refuses a decoded field the profile does not declare, counted under the device, naming the field', (_ns, build) => {
    const out = goP(build(room.devEui!, { ...elsysOut, pressure: 1013 })) as Rejection;
    expect([out.reason, out.tenant, out.device]).toEqual(['schema', '02408', 'co2-02408-1']);
    expect(out.detail).toMatch(/codec of model elsys-ers-co2: pressure: not in the model's codec profile/);
    const wrong = goP(build(room.devEui!, { ...elsysOut, co2: 'high' })) as Rejection;
    expect([wrong.reason, wrong.device]).toEqual(['schema', 'co2-02408-1']);
    expect(wrong.detail).toMatch(/co2_ppm/);
  });

  it('keeps taking contract names from a device of no model, and refuses real names from it under the device', () => {
    expect(goP(cs(bare.devEui!, { co2_ppm: 640 }))).toMatchObject({ fields: { co2_ppm: 640 } });
    const out = goP(cs(bare.devEui!, { co2: 640 })) as Rejection;
    expect([out.reason, out.tenant, out.device]).toEqual(['schema', '02691', 'co2-02691-3']);
  });

  it.each([
    ['ChirpStack without object', ...cs(room.devEui!, undefined)],
    ['ChirpStack with a bad fCnt', ...cs(room.devEui!, elsysOut, { fCnt: -1 })],
    ['ChirpStack with a bad fPort', ...cs(room.devEui!, elsysOut, { fPort: 300 })],
    ['ChirpStack with a bad time', ...cs(room.devEui!, elsysOut, { time: 'now' })],
    ['TTS without decoded_payload', ...tts(room.devEui!, undefined)],
  ])('counts an adapter refusal (%s) of a registered devEui under its tenant and device', (_what, topic, body) => {
    const out = go(topic, body) as Rejection;
    expect([out.reason, out.tenant, out.device]).toEqual(['schema', '02408', 'co2-02408-1']);
  });

  it('leaves an adapter refusal of an unregistered devEui unattributed', () => {
    const out = goP(cs('a81758fffe0000ff', undefined)) as Rejection;
    expect([out.reason, out.tenant, out.device]).toEqual(['schema', undefined, undefined]);
  });
});

describe('Normalizer, the reading every consumer receives', () => {
  it('gives a native telemetry as the registry record, the channel, the validated body and the device time, with no route', () => {
    const reading = read('hv/v1/02408/lighting/lc-02408-1/telemetry', json(lampTelemetry));
    expect(reading).not.toBeInstanceOf(Rejection);
    if (reading instanceof Rejection) return;
    expect(reading.device).toBe(lamp);
    expect(reading).toEqual({ device: lamp, channel: 'telemetry', body: lampTelemetry, ts: NOW - 1000, route: undefined });
  });

  it('keeps an event\'s enum keys in the body, where the rules read them', () => {
    const body = { ts: NOW, seq: 13, event: 'fault_raised', code: 'lamp_failure' };
    expect(read('hv/v1/02408/lighting/lc-02408-1/event', json(body))).toEqual({ device: lamp, channel: 'event', body, ts: NOW, route: undefined });
  });

  it('stamps a status without ts (a last will) with the receive time', () => {
    const reading = read('hv/v1/02408/lighting/lc-02408-1/status', json({ online: false, reason: 'will' }));
    expect(reading).toEqual({ device: lamp, channel: 'status', body: { online: false, reason: 'will' }, ts: NOW, route: undefined });
  });

  it('gives a ChirpStack telemetry uplink the route its downlinks take, the body in the contract\'s names', () => {
    const body = { deviceInfo: { devEui: '70b3d57ed0000007' }, time: new Date(NOW - 2000).toISOString(), fCnt: 41, object: { occupied: true }, rxInfo: [{ rssi: -98, snr: 4 }] };
    const reading = read('application/parking-app/device/70b3d57ed0000007/event/up', json(body));
    expect(reading).toEqual({
      device: spot,
      channel: 'telemetry',
      body: { occupied: true, ts: NOW - 2000, seq: 41, rssi_dbm: -98, snr_db: 4 },
      ts: NOW - 2000,
      route: { format: 'chirpstack', applicationId: 'parking-app', devEui: '70b3d57ed0000007' },
    });
  });

  it('gives a The Things Stack ack uplink as an ack reading with its TTS route', () => {
    const ack = { cmd_id: 'c-7f3a9e', status: 'ok', on: true, level_pct: 30 };
    const body = { end_device_ids: { device_id: 'lc-02408-9', dev_eui: '70B3D57ED0000009' }, received_at: new Date(NOW - 3000).toISOString(), uplink_message: { f_port: 11, f_cnt: 9, decoded_payload: ack } };
    const reading = read('v3/hv-02408@useda/devices/lc-02408-9/up', json(body));
    expect(reading).toEqual({
      device: loraLamp,
      channel: 'ack',
      body: { ...ack, ts: NOW - 3000, seq: 9 },
      ts: NOW - 3000,
      route: { format: 'tts', applicationId: 'hv-02408', tenantId: 'useda', deviceId: 'lc-02408-9', devEui: '70b3d57ed0000009' },
    });
  });
});
