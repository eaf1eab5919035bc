import { DEVICE_TYPES, pointOfReading, shippedDeviceModel, type DeviceModel, type Point } from '@hv/contracts';
import { describe, expect, it } from 'vitest';
// Read-only use of ingest, to prove the uplinks are what its adapters parse.
import { adaptChirpstackUplink, isChirpstackTopic } from '../../libs/uplink/src/adapters/chirpstack.adapter';
import { adaptTtsUplink, isTtsTopic } from '../../libs/uplink/src/adapters/tts.adapter';
import { StaticDeviceDirectory } from '../../libs/uplink/src/pipeline/device-directory';
import { Normalizer, type Normalized } from '../../libs/uplink/src/pipeline/normalizer';
import { Rejection } from '../../libs/uplink/src/pipeline/rejection';
import { devicesOf, mixedFleet } from './fleet';
import { lorawanUplink } from './lorawan';
import { messages } from './stream';

const fleet = mixedFleet({
  seed: 'lora',
  tenants: [{ tenant: '02408' }, { tenant: '02722' }],
  perTenant: { 'parking-spot': 6, 'co2-sensor': 3, 'car-park': 1 },
});
const START = Date.parse('2025-12-21T12:00:00Z');
const normalizer = new Normalizer(new StaticDeviceDirectory(devicesOf(fleet)), { maxPayloadBytes: 16_384, maxFutureMs: 300_000, maxPastMs: 31 * 86_400_000 });
/** The normaliser's answer as ingest stores it (the reading's point; the static directory answers at once). */
const asPoint = (n: Normalized | Promise<Normalized>): Point | Rejection => (n instanceof Rejection ? n : pointOfReading(n as Exclude<Normalized, Rejection>));
const uplinks = [...messages(fleet, { seed: 'lora', count: 400, startMs: START, stepMs: 1_000 })].filter((m) => m.device.devEui);

describe.each(['chirpstack', 'tts'] as const)('lorawanUplink(%s)', (format) => {
  it('is parsed by the ingest adapter with the devEui, time, counter and decoded fields of the message', () => {
    for (const m of uplinks) {
      const up = lorawanUplink(m, format);
      expect(format === 'chirpstack' ? isChirpstackTopic(up.topic) : isTtsTopic(up.topic)).toBe(true);
      const adapted = (format === 'chirpstack' ? adaptChirpstackUplink : adaptTtsUplink)(up.topic, JSON.parse(up.payload.toString('utf8')));
      expect(adapted.ok, JSON.stringify(adapted)).toBe(true);
      if (!adapted.ok) continue;
      const { ts, seq, ...fields } = JSON.parse(m.payload.toString('utf8'));
      expect(adapted.uplink).toMatchObject({ devEui: m.device.devEui, timeMs: ts, fCnt: seq, object: fields });
      expect(adapted.uplink.rssiDbm).toBeLessThan(-29);
    }
  });

  it('becomes the same point the native message makes, plus the radio fields', () => {
    for (const m of uplinks) {
      const up = lorawanUplink(m, format);
      const viaRadio = asPoint(normalizer.normalize(up.topic, up.payload, m.ts + 2_000));
      const native = asPoint(normalizer.normalize(m.topic, m.payload, m.ts + 2_000));
      expect(viaRadio, viaRadio instanceof Rejection ? viaRadio.detail : '').not.toBeInstanceOf(Rejection);
      const p = viaRadio as Point;
      const n = native as Point;
      expect(p.measurement).toBe(DEVICE_TYPES[m.device.type].measurement);
      expect(p.tags).toEqual(n.tags);
      expect(p.timestampMs).toBe(m.ts);
      const { rssi_dbm, snr_db, ...rest } = p.fields;
      expect(rest).toEqual(n.fields);
      expect(typeof rssi_dbm).toBe('number');
      expect(typeof snr_db).toBe('number');
    }
  });
});

describe.each(['chirpstack', 'tts'] as const)('lorawanUplink(%s) emulating a real decoder', (format) => {
  const elsys = shippedDeviceModel('elsys-ers-co2')!;
  const am103 = shippedDeviceModel('milesight-am103')!;
  const withModel = (model: DeviceModel) =>
    new Normalizer(
      new StaticDeviceDirectory(devicesOf(fleet).map((d) => (d.type === model.type ? { ...d, model: model.id, codec: model.codec } : d))),
      { maxPayloadBytes: 16_384, maxFutureMs: 300_000, maxPastMs: 31 * 86_400_000 },
    );
  const co2 = uplinks.filter((m) => m.device.type === 'co2-sensor');

  it('writes the decoder\'s field names, not the contract\'s, for devices of the model\'s type only', () => {
    expect(co2.length).toBeGreaterThan(10);
    for (const m of uplinks) {
      const body = JSON.parse(lorawanUplink(m, format, { model: elsys }).payload.toString('utf8'));
      const object = format === 'chirpstack' ? body.object : body.uplink_message.decoded_payload;
      if (m.device.type === 'co2-sensor') {
        expect(Object.keys(object)).toContain('co2');
        expect(Object.keys(object).filter((k) => k.endsWith('_ppm') || k.endsWith('_c') || k.endsWith('_pct'))).toEqual([]);
      } else {
        expect(object).not.toHaveProperty('co2');
      }
    }
  });

  it('is stored by ingest, through the model\'s profile, as the point the native message makes (Elsys) or less what the decoder lacks (AM103: occupancy)', () => {
    for (const [model, missing] of [[elsys, []], [am103, ['occupied']]] as const) {
      const normalizer = withModel(model);
      for (const m of co2) {
        const viaRadio = asPoint(normalizer.normalize(lorawanUplink(m, format, { model }).topic, lorawanUplink(m, format, { model }).payload, m.ts + 2_000));
        expect(viaRadio, viaRadio instanceof Rejection ? viaRadio.detail : '').not.toBeInstanceOf(Rejection);
        const native = asPoint(normalizer.normalize(m.topic, m.payload, m.ts + 2_000)) as Point;
        const { rssi_dbm: _r, snr_db: _s, ...fields } = (viaRadio as Point).fields;
        const expected = Object.fromEntries(Object.entries(native.fields).filter(([k]) => !(missing as readonly string[]).includes(k)));
        expect(Object.keys(fields).sort()).toEqual(Object.keys(expected).sort());
        for (const [k, v] of Object.entries(expected)) typeof v === 'number' ? expect(fields[k]).toBeCloseTo(v, 9) : expect(fields[k]).toBe(v);
      }
    }
  });
});

describe('lorawanUplink formats', () => {
  const first = uplinks.find((m) => m.seq === 0)!;
  const later = uplinks.find((m) => m.seq > 0)!;

  it('ChirpStack: topic application/{uuid}/device/{devEui}/event/up, fCnt left out at 0 as protobuf JSON does', () => {
    const up = lorawanUplink(first, 'chirpstack');
    expect(up.topic).toMatch(new RegExp(`^application/[0-9a-f-]{36}/device/${first.device.devEui}/event/up$`));
    const body = JSON.parse(up.payload.toString('utf8'));
    expect(body).not.toHaveProperty('fCnt');
    expect(body.deviceInfo.devEui).toBe(first.device.devEui);
    expect(JSON.parse(lorawanUplink(later, 'chirpstack').payload.toString('utf8')).fCnt).toBe(later.seq);
    expect(up.qos).toBe(1);
  });

  it('TTS: topic v3/{app}@{tenant}/devices/{device}/up, upper-case EUI, QoS 0', () => {
    const up = lorawanUplink(later, 'tts', { applicationId: 'parking-laon', tenantId: 'useda' });
    expect(up.topic).toBe(`v3/parking-laon@useda/devices/${later.device.id}/up`);
    const body = JSON.parse(up.payload.toString('utf8'));
    expect(body.end_device_ids.dev_eui).toBe(later.device.devEui!.toUpperCase());
    expect(body.uplink_message.f_cnt).toBe(later.seq);
    expect(up.qos).toBe(0);
  });

  it('is deterministic', () => {
    expect(lorawanUplink(later, 'tts').payload.equals(lorawanUplink(later, 'tts').payload)).toBe(true);
    expect(lorawanUplink(later, 'chirpstack').payload.equals(lorawanUplink(later, 'chirpstack').payload)).toBe(true);
  });

  it('refuses devices without a devEui and channels other than telemetry', () => {
    const native = [...messages(mixedFleet({ seed: 1, tenants: [{ tenant: '02408' }], perTenant: { 'car-park': 1 } }), { seed: 1, count: 1, startMs: START })][0]!;
    expect(() => lorawanUplink(native, 'chirpstack')).toThrow(/devEui/);
    const event = [...messages(fleet, { seed: 2, count: 400, startMs: START, channels: ['event'] })].find((m) => m.device.devEui)!;
    expect(() => lorawanUplink(event, 'tts')).toThrow(/telemetry/);
  });
});
