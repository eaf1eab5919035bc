import { z } from 'zod';
import { commandIdSchema } from '../ids';
import { ackStatus, faultEvent, seqSchema, telemetryBase, tsSchema } from './common.schema';

/** Fault catalogue after TALQ LampMonitor and commercial CMS (DOMAIN.md, "Public lighting"). */
export const LIGHTING_FAULT_CODES = [
  'lamp_failure',
  'power_high',
  'power_low',
  'day_burner',
  'cycling',
  'relay_failure',
  'supply_loss',
  'voltage_out_of_range',
  'over_temperature',
  'communication_loss',
] as const;

const levelPct = z.number().min(0).max(100).describe('light level, % of full output');

/** Luminaire controller (one per lighting point). */
export const lightingControllerTelemetrySchema = z.strictObject({
  ...telemetryBase,
  on: z.boolean(),
  level_pct: levelPct,
  power_w: z.number().min(0).max(5_000).describe('active power, W'),
  energy_wh: z.number().min(0).describe('energy meter, cumulative, Wh'),
  voltage_v: z.number().min(0).max(400).optional().describe('supply voltage, V'),
  current_ma: z.number().min(0).max(50_000).optional().describe('current, mA'),
  power_factor: z.number().min(0).max(1).optional(),
  temp_c: z.number().min(-50).max(150).optional().describe('controller temperature, °C'),
  hours_h: z.number().min(0).optional().describe('lamp operating hours, cumulative, h'),
  switch_count: z.number().int().min(0).optional().describe('switch-on counter, cumulative'),
});

/** Lighting cabinet (armoire): feeds a few dozen luminaires, measures per phase. */
export const lightingCabinetTelemetrySchema = z.strictObject({
  ...telemetryBase,
  supply_ok: z.boolean().describe('mains supply present'),
  power_w: z.number().min(0).max(200_000).describe('total active power, W'),
  energy_wh: z.number().min(0).describe('energy meter, cumulative, Wh'),
  l1_voltage_v: z.number().min(0).max(400).optional(),
  l2_voltage_v: z.number().min(0).max(400).optional(),
  l3_voltage_v: z.number().min(0).max(400).optional(),
  l1_power_w: z.number().min(0).max(100_000).optional(),
  l2_power_w: z.number().min(0).max(100_000).optional(),
  l3_power_w: z.number().min(0).max(100_000).optional(),
  door_open: z.boolean().optional(),
});

export const lightingEventSchema = z.union([
  faultEvent(LIGHTING_FAULT_CODES),
  z.strictObject({
    ts: tsSchema,
    seq: seqSchema,
    event: z.literal('presence').describe('a presence sensor detected a user'),
  }),
  z.strictObject({
    ts: tsSchema,
    seq: seqSchema,
    event: z.literal('switched'),
    on: z.boolean(),
    level_pct: levelPct,
  }),
]);

/** Command to a luminaire or cabinet: a target level, in the spirit of a TALQ override. */
export const lightingCmdSchema = z.strictObject({
  cmd_id: commandIdSchema,
  ts: tsSchema,
  level_pct: levelPct.describe('target level, % (0 switches off)'),
  ramp_s: z.number().min(0).max(3_600).optional().describe('ramp time, s'),
  reason: z.enum(['schedule', 'override', 'sensor', 'manual']),
  expires_at: tsSchema.optional().describe('the device returns to its program after this instant'),
});

export const lightingAckSchema = z.strictObject({
  cmd_id: commandIdSchema,
  ts: tsSchema,
  seq: seqSchema,
  status: ackStatus,
  on: z.boolean().describe('reported state'),
  level_pct: levelPct.describe('reported level, %'),
});
