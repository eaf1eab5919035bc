import { z } from 'zod';
import { DEVICE_TYPES, type DeviceType, type Domain, type UplinkChannel } from './domains';
import { airEventSchema, airStationTelemetrySchema, co2SensorTelemetrySchema } from './schemas/air.schema';
import { maintenanceAckSchema, maintenanceCmdSchema, statusSchema } from './schemas/common.schema';
import { boilerRoomTelemetrySchema, heatingAckSchema, heatingCmdSchema, heatingEventSchema } from './schemas/heating.schema';
import {
  lightingAckSchema,
  lightingCabinetTelemetrySchema,
  lightingCmdSchema,
  lightingControllerTelemetrySchema,
  lightingEventSchema,
} from './schemas/lighting.schema';
import { carParkTelemetrySchema, parkingEventSchema, parkingSpotTelemetrySchema } from './schemas/parking.schema';

/** Telemetry schema of each device type. */
export const TELEMETRY_SCHEMAS = {
  'lighting-controller': lightingControllerTelemetrySchema,
  'lighting-cabinet': lightingCabinetTelemetrySchema,
  'boiler-room': boilerRoomTelemetrySchema,
  'air-station': airStationTelemetrySchema,
  'co2-sensor': co2SensorTelemetrySchema,
  'parking-spot': parkingSpotTelemetrySchema,
  'car-park': carParkTelemetrySchema,
} as const satisfies Record<DeviceType, z.ZodType>;

export const EVENT_SCHEMAS = {
  lighting: lightingEventSchema,
  heating: heatingEventSchema,
  air: airEventSchema,
  parking: parkingEventSchema,
} as const satisfies Record<Domain, z.ZodType>;

export const CMD_SCHEMAS = {
  lighting: z.union([lightingCmdSchema, maintenanceCmdSchema]),
  heating: z.union([heatingCmdSchema, maintenanceCmdSchema]),
  air: maintenanceCmdSchema,
  parking: maintenanceCmdSchema,
} as const satisfies Record<Domain, z.ZodType>;

export const ACK_SCHEMAS = {
  lighting: z.union([lightingAckSchema, maintenanceAckSchema]),
  heating: z.union([heatingAckSchema, maintenanceAckSchema]),
  air: maintenanceAckSchema,
  parking: maintenanceAckSchema,
} as const satisfies Record<Domain, z.ZodType>;

export { statusSchema };

export type TelemetryOf<T extends DeviceType> = z.infer<(typeof TELEMETRY_SCHEMAS)[T]>;
export type Telemetry = { [T in DeviceType]: TelemetryOf<T> }[DeviceType];
export type DeviceEvent = z.infer<(typeof EVENT_SCHEMAS)[Domain]>;
export type DeviceStatus = z.infer<typeof statusSchema>;
export type DeviceCommand = z.infer<(typeof CMD_SCHEMAS)[Domain]>;
export type DeviceAck = z.infer<(typeof ACK_SCHEMAS)[Domain]>;
export type LightingCommand = z.infer<typeof lightingCmdSchema>;
export type LightingAck = z.infer<typeof lightingAckSchema>;

/** The schema an uplink must satisfy, given the device type the registry holds. */
export function uplinkSchema(type: DeviceType, channel: UplinkChannel): z.ZodType {
  const domain = DEVICE_TYPES[type].domain;
  switch (channel) {
    case 'telemetry':
      return TELEMETRY_SCHEMAS[type];
    case 'event':
      return EVENT_SCHEMAS[domain];
    case 'status':
      return statusSchema;
    case 'ack':
      return ACK_SCHEMAS[domain];
  }
}

/** Field names (with their unit suffix) that a device type's telemetry may carry. */
export function telemetryFields(type: DeviceType): string[] {
  return Object.keys(TELEMETRY_SCHEMAS[type].shape).filter((k) => k !== 'ts');
}

/** Formats zod issues as one line naming each bad field: `level_pct: Too big: expected number to be <=100`. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const issues = flatIssues(error);
  const parts = issues.slice(0, max).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (issues.length > max) parts.push(`+${issues.length - max} more`);
  return parts.join('; ');
}

type Issue = z.core.$ZodIssue;

/** The issues of a failed parse, a union's replaced by those of its closest branch. */
export function flatIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap(closestBranch);
}

/**
 * A union's failure said through the branch that came closest (fewest issues), and a
 * record's bad key or value through its own issues, so that the message names the bad
 * field (`ts: ...`) rather than `(root): Invalid input`.
 */
function closestBranch(issue: Issue): Issue[] {
  // A record's bad key: its own message (`a source field is…`) rather than "Invalid key in record".
  if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
    return issue.issues.flatMap((i) => closestBranch({ ...i, path: [...issue.path, ...i.path] } as Issue));
  }
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
  if (best.length === 0) return [issue];
  return best.flatMap((i) => closestBranch({ ...i, path: [...issue.path, ...i.path] } as Issue));
}
