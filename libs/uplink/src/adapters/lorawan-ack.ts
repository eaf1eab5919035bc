import { LORAWAN_FPORTS, lorawanRouteOfUplink, type LorawanRoute } from '@hv/contracts';
import { adaptChirpstackUplink, isChirpstackTopic } from './chirpstack.adapter';
import { adaptTtsUplink, isTtsTopic } from './tts.adapter';

export type LorawanAckDecode = { devEui: string; ack: Record<string, unknown>; route: LorawanRoute } | { error: string };

const CHIRPSTACK_PORT_KEY = Buffer.from('"fPort"');
const TTS_PORT_KEY = Buffer.from('"f_port"');
const ACK_PORT_DIGITS = Buffer.from(String(LORAWAN_FPORTS.ack));

/**
 * A device's ack from a network server's uplink topic (fPort 11): the decoded object plus
 * `seq` (the frame counter) and `ts` (the network server's receive time; absent when the
 * uplink had none, the caller then uses its own receive time), and the route a further
 * command to that device takes. Undefined when the topic is not a ChirpStack v4 or The
 * Things Stack v3 uplink or the uplink is not on the ack port; `{error}` when it is an
 * ack the adapters refuse.
 *
 * Whoever reads acks here also receives every telemetry uplink: those are skipped by a
 * byte scan for the port, without parsing their JSON.
 */
export function decodeLorawanAck(topic: string, payload: Buffer): LorawanAckDecode | undefined {
  const chirpstack = isChirpstackTopic(topic);
  if (!chirpstack && !isTtsTopic(topic)) return undefined;
  if (!mayBeOnPort(payload, chirpstack ? CHIRPSTACK_PORT_KEY : TTS_PORT_KEY, ACK_PORT_DIGITS)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { error: 'uplink is not JSON' };
  }
  const adapted = (chirpstack ? adaptChirpstackUplink : adaptTtsUplink)(topic, body);
  if (!adapted.ok) return { error: adapted.error };
  const up = adapted.uplink;
  // The scan matched the key somewhere (say inside the decoded object), not the port itself.
  if (up.fPort !== LORAWAN_FPORTS.ack) return undefined;
  const route = lorawanRouteOfUplink(topic, body);
  if (!route) return { error: 'uplink names no route a reply could take' };
  const ack: Record<string, unknown> = { ...up.object, seq: up.fCnt };
  if (up.timeMs !== undefined) ack.ts = up.timeMs;
  return { devEui: up.devEui, ack, route };
}

/**
 * Whether some `"key"` in the JSON bytes is followed by `: <digits>` (whitespace allowed)
 * and no further digit. Never false for an uplink on that port as both network servers
 * write it (an integer, the key unescaped); a true is confirmed by the parse.
 */
function mayBeOnPort(payload: Buffer, key: Buffer, digits: Buffer): boolean {
  for (let i = payload.indexOf(key); i >= 0; i = payload.indexOf(key, i + key.length)) {
    let j = skipSpace(payload, i + key.length);
    if (payload[j] !== 0x3a /* : */) continue;
    j = skipSpace(payload, j + 1);
    let k = 0;
    while (k < digits.length && payload[j + k] === digits[k]) k++;
    if (k < digits.length) continue;
    const next = payload[j + k];
    if (next === undefined || next < 0x30 || next > 0x39) return true;
  }
  return false;
}

function skipSpace(b: Buffer, i: number): number {
  while (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09) i++;
  return i;
}
