import { z } from 'zod';
import { commandIdSchema } from '../ids';
import { ackStatus, faultEvent, seqSchema, telemetryBase, tsSchema } from './common.schema';

export const HEATING_FAULT_CODES = ['flame_fault', 'high_temperature', 'low_pressure', 'high_pressure', 'sensor_fault'] as const;

/** Boiler room (chaufferie) of a public building. Ranges: DOMAIN.md, "Chaufferies". */
export const boilerRoomTelemetrySchema = z.strictObject({
  ...telemetryBase,
  flow_c: z.number().min(-20).max(120).describe('flow temperature, °C (40–90 in service)'),
  return_c: z.number().min(-20).max(120).describe('return temperature, °C'),
  pressure_bar: z.number().min(0).max(10).describe('circuit pressure, bar (lock-out below ≈ 1)'),
  burner_on: z.boolean(),
  modulation_pct: z.number().min(0).max(100).describe('burner modulation, %'),
  outdoor_c: z.number().min(-50).max(60).describe('outdoor temperature, °C'),
  room_c: z.number().min(-20).max(60).describe('reference room temperature, °C'),
  setpoint_c: z.number().min(0).max(35).optional().describe('room setpoint, °C'),
  occupied: z.boolean().optional().describe('building occupied per its schedule'),
  gas_kwh: z.number().min(0).describe('gas meter, cumulative, kWh (PCS)'),
  heat_kwh: z.number().min(0).optional().describe('heat meter, cumulative, kWh'),
});

export const heatingEventSchema = faultEvent(HEATING_FAULT_CODES);

export const heatingCmdSchema = z.strictObject({
  cmd_id: commandIdSchema,
  ts: tsSchema,
  mode: z.enum(['comfort', 'eco', 'frost', 'off', 'auto']),
  setpoint_c: z.number().min(5).max(25).optional().describe('room setpoint, °C (R241-26 caps 19 °C on average)'),
  expires_at: tsSchema.optional(),
});

export const heatingAckSchema = z.strictObject({
  cmd_id: commandIdSchema,
  ts: tsSchema,
  seq: seqSchema,
  status: ackStatus,
  mode: z.enum(['comfort', 'eco', 'frost', 'off', 'auto']),
  setpoint_c: z.number().min(0).max(35).optional(),
});
