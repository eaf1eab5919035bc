import { geohashOf, measurementOf, pointOfReading, registryTagsOf, type DeviceInfo } from '@hv/contracts';
import { appendFieldsOf, serializePoint, serializeSeriesKey, serializeTimestamp } from '@hv/timeseries';
import type { Reading } from '@hv/uplink';

/**
 * A reading's line protocol, byte for byte the line serializePoint(pointOfReading(…))
 * writes, and refused with the same InvalidPointError. Telemetry, nearly every message,
 * takes a short way: its tags come from the registry's record alone (tenant, device, EPCI,
 * cabinet, position), so the escaped measurement and tags are computed once per record and
 * the body's fields are appended to them, with no point, tag or field object in between.
 * A registry reload makes new records, so a changed device gets a new series key. Events,
 * statuses and acks (tags from their body too) go through the point.
 */
export class ReadingLines {
  /** Per registry record; null when it has no position. */
  private readonly geohashes = new WeakMap<DeviceInfo, string | null>();
  /** Per registry record: its telemetry series key and the space that follows it. */
  private readonly telemetryKeys = new WeakMap<DeviceInfo, string>();

  lineOf(reading: Reading): string {
    const device = reading.device;
    if (reading.channel !== 'telemetry') return serializePoint(pointOfReading(reading, this.geohashOf(device)));
    const measurement = measurementOf(device.type, 'telemetry');
    let key = this.telemetryKeys.get(device);
    if (key === undefined) {
      // A key serializeSeriesKey refuses is not kept: it throws again for the next message, as the point would.
      key = serializeSeriesKey(measurement, registryTagsOf(device, this.geohashOf(device))) + ' ';
      this.telemetryKeys.set(device, key);
    }
    const body = reading.body as unknown as Readonly<Record<string, unknown>>;
    return appendFieldsOf(key, body, 'ts', measurement) + ' ' + serializeTimestamp(reading.ts, measurement);
  }

  private geohashOf(device: DeviceInfo): string | undefined {
    let hash = this.geohashes.get(device);
    if (hash === undefined) this.geohashes.set(device, (hash = geohashOf(device.attributes) ?? null));
    return hash ?? undefined;
  }
}
