/** The domains of the device contract. `waste` and `energy` will follow. */
export const DOMAINS = ['lighting', 'heating', 'air', 'parking'] as const;
export type Domain = (typeof DOMAINS)[number];

/**
 * Channels of a device topic.
 * - telemetry: periodic measurements (device → platform)
 * - event: state changes (occupied/free, fault raised/cleared) (device → platform)
 * - status: online/offline, retained, set by the last will (device → platform)
 * - cmd: commands (platform → device)
 * - ack: the device's answer to a cmd, with its actual state (device → platform)
 */
export const CHANNELS = ['telemetry', 'event', 'status', 'cmd', 'ack'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels a device publishes on (and ingest stores). */
export const UPLINK_CHANNELS = ['telemetry', 'event', 'status', 'ack'] as const satisfies readonly Channel[];
export type UplinkChannel = (typeof UPLINK_CHANNELS)[number];

/** Device types, each in one domain. The InfluxDB measurement of its telemetry is `measurement`. */
export const DEVICE_TYPES = {
  'lighting-controller': { domain: 'lighting', measurement: 'lighting_controller', expectedIntervalS: 600 },
  'lighting-cabinet': { domain: 'lighting', measurement: 'lighting_cabinet', expectedIntervalS: 600 },
  'boiler-room': { domain: 'heating', measurement: 'boiler_room', expectedIntervalS: 300 },
  'air-station': { domain: 'air', measurement: 'air_station', expectedIntervalS: 900 },
  'co2-sensor': { domain: 'air', measurement: 'co2_sensor', expectedIntervalS: 600 },
  'parking-spot': { domain: 'parking', measurement: 'parking_spot', expectedIntervalS: 3600 },
  'car-park': { domain: 'parking', measurement: 'car_park', expectedIntervalS: 300 },
} as const satisfies Record<string, { domain: Domain; measurement: string; expectedIntervalS: number }>;
export type DeviceType = keyof typeof DEVICE_TYPES;
export const DEVICE_TYPE_NAMES = Object.keys(DEVICE_TYPES) as DeviceType[];

export const isDomain = (s: string): s is Domain => (DOMAINS as readonly string[]).includes(s);
export const isChannel = (s: string): s is Channel => (CHANNELS as readonly string[]).includes(s);
export const isDeviceType = (s: string): s is DeviceType => Object.hasOwn(DEVICE_TYPES, s);
export const domainOf = (type: DeviceType): Domain => DEVICE_TYPES[type].domain;
