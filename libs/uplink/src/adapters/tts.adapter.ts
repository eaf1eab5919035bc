import { DEV_EUI_PATTERN } from '@hv/contracts';
import { bestReception, isRecord, parseFPort, parseTime, type AdapterResult } from './lorawan-uplink';

// The filter lives with the other network-server topics in contracts; re-exported for
// the callers that took it from here.
export { TTS_UPLINK_FILTER } from '@hv/contracts';

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
  if (!isRecord(up)) return { ok: false, error: 'uplink_message: missing', devEui };
  const timeMs = parseTime(body.received_at ?? up.received_at);
  if (timeMs === null) return { ok: false, error: 'received_at: not an RFC 3339 timestamp', devEui };
  const fCnt = up.f_cnt ?? 0;
  if (typeof fCnt !== 'number' || !Number.isInteger(fCnt) || fCnt < 0) return { ok: false, error: 'uplink_message.f_cnt: not a counter', devEui };
  const fPort = parseFPort(up.f_port);
  if (fPort === null) return { ok: false, error: 'uplink_message.f_port: not a port (0..255)', devEui };
  if (!isRecord(up.decoded_payload)) return { ok: false, error: 'uplink_message.decoded_payload: missing (no payload formatter?)', devEui };
  const rx = bestReception(up.rx_metadata);
  return { ok: true, uplink: { devEui, timeMs, fCnt, fPort, object: up.decoded_payload, rssiDbm: rx.rssi, snrDb: rx.snr } };
}
