import type { DeviceStatus } from '@hv/contracts';

export type StatusReason = NonNullable<DeviceStatus['reason']>;

/** Firmware version the simulated devices announce. */
export const SIM_FIRMWARE = '2.4.1';

/** A retained status (valid under statusSchema): online at boot or reconnect, offline at shutdown. */
export function statusPayload(ts: number, reason: StatusReason, fw = SIM_FIRMWARE): DeviceStatus {
  return reason === 'boot' || reason === 'reconnect' ? { ts, online: true, reason, fw } : { ts, online: false, reason };
}

/**
 * The last will a device leaves with the broker: no `ts` (the broker sends it later,
 * ingest stamps the receive time), retained on the device's status topic.
 */
export function willPayload(): DeviceStatus {
  return { online: false, reason: 'will' };
}
