/**
 * A LoRaWAN network server's uplink, reduced to what ingest needs. The adapters below
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

export type AdapterResult = { ok: true; uplink: LorawanUplink } | { ok: false; error: string };

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

export function parseTime(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A frame port, 0 when absent (protobuf JSON leaves defaults out); null when not a port. */
export function parseFPort(value: unknown): number | null {
  if (value === undefined) return 0;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? value : null;
}
