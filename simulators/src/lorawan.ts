import { encodeWithProfile, LORAWAN_FPORTS, type DeviceModel, type LorawanFormat } from '@hv/contracts';
import type { SimMessage } from './device-sim';
import type { SimDevice } from './fleet';
import { Random, seedFrom } from './random';

export type { LorawanFormat };

/** A SimMessage as a LoRaWAN network server's MQTT integration would republish it. */
export interface LorawanMessage {
  topic: string;
  payload: Buffer;
  device: SimDevice;
  format: LorawanFormat;
  /** The Things Stack publishes at QoS 0 only (DOMAIN.md); ChirpStack at QoS 1 here. */
  qos: 0 | 1;
  /** The uplink's receive time (`time` / `received_at`), epoch ms: ingest stores it as `ts`. */
  ts: number;
  /** The frame counter (`fCnt` / `f_cnt`): ingest stores it as `seq`. */
  seq: number;
  /** Application port: TELEMETRY_FPORT, or LORAWAN_FPORTS.ack for an ack. */
  fPort: number;
}

export interface LorawanOptions {
  /** ChirpStack application id (a UUID) or TTS application id; default derived from the tenant. */
  applicationId?: string;
  /** ChirpStack tenant id (a UUID) or TTS tenant id (`{app}@{tenant}`); default derived / `useda`. */
  tenantId?: string;
  /**
   * Emulate this device model's decoder (a real one, e.g. Milesight AM103): telemetry of
   * devices of the model's type carries the decoder's field names and units, obtained by
   * running the model's codec profile backwards. Acks keep the JSON codec.
   */
  model?: DeviceModel;
}

/** Port of the simulated devices' telemetry uplinks (any port but the ack's would do). */
export const TELEMETRY_FPORT = 2;

/** Gateways covering one commune. */
const GATEWAYS_PER_TENANT = 4;
/** EU868 uplink channels, Hz. */
const EU868_HZ = [868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000];

/**
 * Converts the telemetry or the ack of a LoRaWAN device into the uplink its network server
 * would publish: ChirpStack v4 (`application/{applicationId}/device/{devEui}/event/up`) or
 * The Things Stack v3 (`v3/{app}@{tenant}/devices/{device}/up`). The decoded fields go in
 * `object` / `decoded_payload` without `ts` and `seq`, which the network server carries
 * as the receive time and the frame counter. The simulated codec is JSON, so
 * `data` / `frm_payload` is the base64 of the decoded fields. Acks go on fPort 11
 * (LORAWAN_FPORTS.ack), telemetry on TELEMETRY_FPORT.
 */
export function lorawanUplink(message: SimMessage, format: LorawanFormat, options: LorawanOptions = {}): LorawanMessage {
  const { device } = message;
  if (!device.devEui) throw new RangeError(`device ${device.id} has no devEui: it does not speak LoRaWAN`);
  if (message.channel !== 'telemetry' && message.channel !== 'ack') {
    throw new RangeError(`only telemetry and acks go through a network server, not ${message.channel}`);
  }
  const fPort = message.channel === 'ack' ? LORAWAN_FPORTS.ack : TELEMETRY_FPORT;
  const { ts: _ts, seq: _seq, ...fields } = JSON.parse(message.payload.toString('utf8')) as Record<string, unknown>;
  const model = options.model;
  const decoded = model && model.type === device.type && fPort !== LORAWAN_FPORTS.ack ? encodeWithProfile(model.codec, fields) : fields;
  const radio = new Radio(device.tenant, device.devEui, message.seq);
  const time = new Date(message.ts).toISOString();
  const frm = Buffer.from(JSON.stringify(decoded)).toString('base64');
  const frame: Frame = { fPort, decoded, frm, time };
  const body = format === 'chirpstack' ? chirpstack(message, frame, radio, options) : tts(message, frame, radio, options);
  const topic = format === 'chirpstack'
    ? `application/${options.applicationId ?? uuid('chirpstack-application', device.tenant)}/device/${device.devEui}/event/up`
    : `v3/${options.applicationId ?? `hv-${device.tenant}`}@${options.tenantId ?? 'useda'}/devices/${device.id}/up`;
  return { topic, payload: Buffer.from(JSON.stringify(body)), device, format, qos: format === 'tts' ? 0 : 1, ts: message.ts, seq: message.seq, fPort };
}

/** What one uplink frame carries: its port, decoded fields, their base64 JSON, its time (RFC 3339). */
interface Frame {
  fPort: number;
  decoded: Record<string, unknown>;
  frm: string;
  time: string;
}

function chirpstack(m: SimMessage, { fPort, decoded, frm, time }: Frame, radio: Radio, o: LorawanOptions): object {
  const d = m.device;
  const body: Record<string, unknown> = {
    deduplicationId: uuid('dedup', d.id, m.seq, m.ts),
    time,
    deviceInfo: {
      tenantId: o.tenantId ?? uuid('chirpstack-tenant', d.tenant),
      tenantName: d.tenant,
      applicationId: o.applicationId ?? uuid('chirpstack-application', d.tenant),
      applicationName: `hv-${d.tenant}`,
      deviceProfileId: uuid('chirpstack-profile', d.type),
      deviceProfileName: d.type,
      deviceName: d.id,
      devEui: d.devEui,
      deviceClassEnabled: 'CLASS_A',
      tags: {},
    },
    devAddr: radio.devAddr,
    adr: true,
    dr: 12 - radio.sf,
  };
  // Protobuf JSON leaves out fields at their default value: no fCnt when it is 0.
  if (m.seq > 0) body.fCnt = m.seq;
  body.fPort = fPort;
  body.data = frm;
  body.object = decoded;
  body.rxInfo = radio.gateways.map((g) => ({
    gatewayId: g.eui,
    uplinkId: g.uplinkId,
    nsTime: time,
    rssi: g.rssi,
    snr: g.snr,
    channel: radio.channel,
    context: g.context,
    crcStatus: 'CRC_OK',
  }));
  body.txInfo = { frequency: radio.frequencyHz, modulation: { lora: { bandwidth: 125_000, spreadingFactor: radio.sf, codeRate: 'CR_4_5' } } };
  return body;
}

function tts(m: SimMessage, { fPort, decoded, frm, time }: Frame, radio: Radio, o: LorawanOptions): object {
  const d = m.device;
  const app = o.applicationId ?? `hv-${d.tenant}`;
  return {
    end_device_ids: {
      device_id: d.id,
      application_ids: { application_id: app },
      dev_eui: d.devEui!.toUpperCase(), // The Things Stack writes EUIs in upper case
      join_eui: '70B3D57ED0000000',
      dev_addr: radio.devAddr.toUpperCase(),
    },
    correlation_ids: [`as:up:${radio.correlation}`],
    received_at: time,
    uplink_message: {
      session_key_id: radio.sessionKeyId,
      f_port: fPort,
      f_cnt: m.seq,
      frm_payload: frm,
      decoded_payload: decoded,
      rx_metadata: radio.gateways.map((g) => ({
        gateway_ids: { gateway_id: `gw-${g.eui.slice(-6)}`, eui: g.eui.toUpperCase() },
        time,
        rssi: g.rssi,
        channel_rssi: g.rssi,
        snr: g.snr,
        uplink_token: g.context,
        channel_index: radio.channel,
        received_at: time,
      })),
      settings: {
        data_rate: { lora: { bandwidth: 125_000, spreading_factor: radio.sf, coding_rate: '4/5' } },
        frequency: String(radio.frequencyHz),
      },
      received_at: time,
      consumed_airtime: `${radio.airtimeS.toFixed(6)}s`,
    },
  };
}

/** Deterministic radio conditions of one uplink: one to three gateways heard it. */
class Radio {
  readonly sf: number;
  readonly channel: number;
  readonly frequencyHz: number;
  readonly devAddr: string;
  readonly sessionKeyId: string;
  readonly correlation: string;
  readonly airtimeS: number;
  readonly gateways: Array<{ eui: string; uplinkId: number; rssi: number; snr: number; context: string }>;

  constructor(tenant: string, devEui: string, seq: number) {
    const link = new Random('lorawan-link', devEui); // per device: distance to the gateways
    const rng = new Random('lorawan-uplink', devEui, seq); // per frame: fading
    this.devAddr = link.hex(8);
    this.sessionKeyId = Buffer.from(link.hex(32), 'hex').toString('base64');
    this.sf = link.weighted([[7, 0.5], [8, 0.2], [9, 0.15], [10, 0.1], [12, 0.05]]);
    this.channel = rng.int(0, EU868_HZ.length - 1);
    this.frequencyHz = EU868_HZ[this.channel]!;
    this.correlation = rng.hex(26).toUpperCase();
    this.airtimeS = 0.0566 * 2 ** (this.sf - 7);
    const meanRssi = link.uniform(-118, -70);
    const count = link.int(1, 3);
    const nearest = link.int(0, GATEWAYS_PER_TENANT - 1);
    this.gateways = [];
    for (let i = 0; i < count; i++) {
      const rssi = Math.round(meanRssi - 6 * i + rng.normal(0, 3));
      this.gateways.push({
        eui: new Random('lorawan-gateway', tenant, (nearest + i) % GATEWAYS_PER_TENANT).hex(16),
        uplinkId: rng.uint32(),
        rssi: Math.max(-140, Math.min(-30, rssi)),
        snr: Math.round(Math.max(-20, Math.min(12, (rssi + 115) / 3 + rng.normal(0, 1))) * 10) / 10,
        context: Buffer.from(rng.hex(8), 'hex').toString('base64'),
      });
    }
  }
}

/** A UUID-shaped id derived from the parts (version 4 layout, deterministic). */
function uuid(...parts: Array<string | number>): string {
  const h = seedFrom(...parts).map((x) => x.toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
