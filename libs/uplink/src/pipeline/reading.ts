import type { DeviceAck, DeviceEvent, DeviceInfo, DeviceStatus, LorawanRoute, Telemetry, UplinkChannel } from '@hv/contracts';

/** The payload of each uplink channel as the contract's schemas type it. */
export interface UplinkBodies {
  telemetry: Telemetry;
  event: DeviceEvent;
  status: DeviceStatus;
  ack: DeviceAck;
}

/** A reading on one channel: see Reading. */
export interface ReadingOf<C extends UplinkChannel> {
  /** The registry's record of the device, looked up once by the normaliser. */
  device: DeviceInfo;
  channel: C;
  /** The validated payload (ts, seq and the fields), LoRaWAN uplinks already mapped onto the contract's names. */
  body: UplinkBodies[C];
  /** Device time, epoch ms: the payload's ts, or the receive time for a status without one (a last will). */
  ts: number;
  /** LoRaWAN only: the way back to the device (its downlinks follow the last uplink's route). */
  route?: LorawanRoute;
}

/**
 * One validated uplink of a registered device: what every consumer of the uplink path
 * receives from the Normalizer. Ingest writes it as a line of line protocol (the mapping
 * of pointOfReading in contracts), telegestion judges it as it is. A new domain adds its
 * schemas in contracts; they type the body here with no change in this file.
 */
export type Reading = { [C in UplinkChannel]: ReadingOf<C> }[UplinkChannel];
