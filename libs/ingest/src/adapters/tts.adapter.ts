import { DEV_EUI_PATTERN } from '@hv/contracts';
import { bestReception, isRecord, parseTime, type AdapterResult } from './lorawan-uplink';

/** The Things Stack v3 uplinks: `v3/{application}@{tenant}/devices/{device}/up` (QoS 0 only). */
export const TTS_UPLINK_FILTER = 'v3/+/devices/+/up';

export function isTtsTopic(topic: string): boolean {
  return topic.startsWith('v3/') && topic.endsWith('/up');
}

/** The Things Stack v3 JSON uplink → LorawanUplink (decoded_payload from the payload formatter). */
export function adaptTtsUplink(topic: string, body: unknown): AdapterResult {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'v3' || parts[2] !== 'devices') {
    return { ok: false, error: 'topic is not v3/{application}@{tenant}/devices/{device}/up' };
  }
  if (!isRecord(body)) return { ok: false, error: 'uplink is not a JSON object' };
  const ids = body.end_device_ids;
  if (!isRecord(ids) || typeof ids.dev_eui !== 'string') return { ok: false, error: 'end_device_ids.dev_eui: missing' };
  const devEui = ids.dev_eui.toLowerCase();
  if (!DEV_EUI_PATTERN.test(devEui)) return { ok: false, error: 'end_device_ids.dev_eui: not 16 hex digits' };
  const up = body.uplink_message;
  if (!isRecord(up)) return { ok: false, error: 'uplink_message: missing' };
  const timeMs = parseTime(body.received_at ?? up.received_at);
  if (timeMs === null) return { ok: false, error: 'received_at: not an RFC 3339 timestamp' };
  const fCnt = up.f_cnt ?? 0;
  if (typeof fCnt !== 'number' || !Number.isInteger(fCnt) || fCnt < 0) return { ok: false, error: 'uplink_message.f_cnt: not a counter' };
  if (!isRecord(up.decoded_payload)) return { ok: false, error: 'uplink_message.decoded_payload: missing (no payload formatter?)' };
  const rx = bestReception(up.rx_metadata);
  return { ok: true, uplink: { devEui, timeMs, fCnt, object: up.decoded_payload, rssiDbm: rx.rssi, snrDb: rx.snr } };
}
