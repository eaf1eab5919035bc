/**
 * A LoRaWAN network server's uplink, reduced to what the Normalizer needs. The adapters below
 * map ChirpStack v4 and The Things Stack v3 JSON onto it; the registry then maps the
 * devEui onto a tenant and device, and the decoded object onto the device's telemetry.
 */
export interface LorawanUplink {
  devEui: string;
  /** Network server's receive time, epoch ms; undefined when the payload had none. */
  timeMs: number | undefined;
  fCnt: number;
  /** Application port: LORAWAN_FPORTS.ack (11) marks the device's ack, any other telemetry. */
  fPort: number;
  /** Decoded payload (the network server's codec output). */
  object: Record<string, unknown>;
  rssiDbm: number | undefined;
  snrDb: number | undefined;
}

/** A refusal names the devEui when the uplink gave a well-formed one, so it is counted under its device. */
export type AdapterResult = { ok: true; uplink: LorawanUplink } | { ok: false; error: string; devEui?: string };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Best (highest RSSI) gateway reception; LoRaWAN uplinks are often heard by several. */
export function bestReception(list: unknown, rssiKey = 'rssi', snrKey = 'snr'): { rssi?: number; snr?: number } {
  if (!Array.isArray(list)) return {};
  let best: { rssi?: number; snr?: number } = {};
  for (const rx of list) {
    if (!isRecord(rx) || typeof rx[rssiKey] !== 'number') continue;
    if (best.rssi === undefined || (rx[rssiKey] as number) > best.rssi) {
      best = { rssi: rx[rssiKey] as number, snr: typeof rx[snrKey] === 'number' ? (rx[snrKey] as number) : undefined };
    }
  }
  return best;
}

/**
 * RFC 3339 §5.6 date-time, as both network servers write it (`2025-12-21T12:00:01.5Z`,
 * `...+01:00`). Date.parse alone also takes "Dec 21 2025" or a bare year; a well-formed
 * time far ahead or far back is parsed here and judged by the timestamp window later.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an RFC 3339 time; undefined when absent, null when not one. */
export function parseTime(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A frame port, 0 when absent (protobuf JSON leaves defaults out); null when not a port. */
export function parseFPort(value: unknown): number | null {
  if (value === undefined) return 0;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? value : null;
}
