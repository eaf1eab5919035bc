import { DEV_EUI_PATTERN } from '@hv/contracts';
import { bestReception, isRecord, parseFPort, parseTime, type AdapterResult } from './lorawan-uplink';

// The filter lives with the other network-server topics in contracts; re-exported for
// the callers that took it from here.
export { CHIRPSTACK_UPLINK_FILTER } from '@hv/contracts';

export function isChirpstackTopic(topic: string): boolean {
  return topic.startsWith('application/') && topic.endsWith('/event/up');
}

/**
 * ChirpStack v4 JSON uplink → LorawanUplink. Protobuf JSON omits fields at their default
 * value (`fCnt` 0, `fPort` 0, `confirmed` false), so absent counters and ports mean 0.
 * `object` is present only when the device profile has a codec: without one there is
 * nothing to store.
 */
export function adaptChirpstackUplink(topic: string, body: unknown): AdapterResult {
  const parts = topic.split('/');
  if (parts.length !== 6 || parts[0] !== 'application' || parts[2] !== 'device') {
    return { ok: false, error: 'topic is not application/{applicationId}/device/{devEui}/event/up' };
  }
  if (!isRecord(body)) return { ok: false, error: 'uplink is not a JSON object' };
  const info = body.deviceInfo;
  if (!isRecord(info) || typeof info.devEui !== 'string') return { ok: false, error: 'deviceInfo.devEui: missing' };
  const devEui = info.devEui.toLowerCase();
  if (!DEV_EUI_PATTERN.test(devEui)) return { ok: false, error: 'deviceInfo.devEui: not 16 hex digits' };
  if (parts[3]!.toLowerCase() !== devEui) return { ok: false, error: 'deviceInfo.devEui differs from the topic' };
  const timeMs = parseTime(body.time);
  if (timeMs === null) return { ok: false, error: 'time: not an RFC 3339 timestamp', devEui };
  const fCnt = body.fCnt ?? 0;
  if (typeof fCnt !== 'number' || !Number.isInteger(fCnt) || fCnt < 0) return { ok: false, error: 'fCnt: not a counter', devEui };
  const fPort = parseFPort(body.fPort);
  if (fPort === null) return { ok: false, error: 'fPort: not a port (0..255)', devEui };
  if (!isRecord(body.object)) return { ok: false, error: 'object: missing (no codec on the device profile?)', devEui };
  const rx = bestReception(body.rxInfo);
  return { ok: true, uplink: { devEui, timeMs, fCnt, fPort, object: body.object, rssiDbm: rx.rssi, snrDb: rx.snr } };
}
