import { lorawanRouteOfUplink, MEASUREMENTS, type DeviceInfo, type LorawanRoute, type Point } from '@hv/contracts';
import { Normalizer, Rejection, type DeviceDirectory, type InboundMessage } from '@hv/ingest';

export type UplinkChannel = 'telemetry' | 'event' | 'ack' | 'status';

/** A message as telegestion reads it: the registered device, the channel, the validated body. */
export interface Uplink {
  device: DeviceInfo;
  channel: UplinkChannel;
  /** The payload as the contract defines it (ts, seq and the fields). */
  body: Record<string, unknown>;
  ts: number;
  /** LoRaWAN: the way back to the device (its downlinks follow the last uplink's route). */
  route?: LorawanRoute;
}

const CHANNEL_OF_MEASUREMENT: Record<string, UplinkChannel> = {
  [MEASUREMENTS.event]: 'event',
  [MEASUREMENTS.ack]: 'ack',
  [MEASUREMENTS.status]: 'status',
};

/**
 * Reads uplinks with ingest's own Normalizer, so telegestion judges exactly what ingest
 * stores: the same registry lookups, schemas, tenant checks and LoRaWAN adapters. What the
 * Normalizer refuses ends at ingest (counted and dead-lettered there); here it is counted
 * as skipped and goes no further.
 */
export class UplinkReader {
  constructor(
    private readonly normalizer: Normalizer,
    private readonly devices: DeviceDirectory,
  ) {}

  async read(msg: InboundMessage): Promise<Uplink | Rejection> {
    const normalized = await this.normalizer.normalize(msg.topic, msg.payload, msg.receivedAtMs);
    if (normalized instanceof Rejection) return normalized;
    return this.toUplink(normalized, msg);
  }

  private async toUplink(point: Point, msg: InboundMessage): Promise<Uplink | Rejection> {
    const device = await this.devices.byId(point.tags.device!);
    if (!device) return new Rejection('unknown_device', `device ${point.tags.device} left the registry`);
    const channel = CHANNEL_OF_MEASUREMENT[point.measurement] ?? 'telemetry';
    const body: Record<string, unknown> = { ...point.fields, ts: point.timestampMs };
    // Enum-valued keys travel as tags in the point; the rules read them in the body.
    for (const key of ['event', 'code', 'status', 'reason'] as const) if (point.tags[key] !== undefined) body[key] = point.tags[key];
    const uplink: Uplink = { device, channel, body, ts: point.timestampMs };
    if (!msg.topic.startsWith('hv/')) {
      const route = lorawanRouteOfUplink(msg.topic, JSON.parse(msg.payload.toString('utf8')));
      if (route) uplink.route = route;
    }
    return uplink;
  }
}
