import { z } from 'zod';
import { faultEvent, seqSchema, telemetryBase, tsSchema } from './common.schema';

export const PARKING_FAULT_CODES = ['sensor_fault', 'sensor_stuck', 'battery_low'] as const;

/** On-street sensor heartbeat (FIWARE ParkingSpot status free/occupied). */
export const parkingSpotTelemetrySchema = z.strictObject({
  ...telemetryBase,
  occupied: z.boolean(),
  battery_pct: z.number().min(0).max(100).optional(),
});

/** Off-street car park counter (FIWARE OffStreetParking). */
export const carParkTelemetrySchema = z
  .strictObject({
    ...telemetryBase,
    occupied: z.number().int().min(0).describe('occupied spots'),
    capacity: z.number().int().min(1).describe('total spots'),
    entries: z.number().int().min(0).optional().describe('vehicles in, cumulative (the counter\'s own total)'),
    exits: z.number().int().min(0).optional().describe('vehicles out, cumulative'),
  })
  .refine((m) => m.occupied <= m.capacity, { message: 'occupied exceeds capacity', path: ['occupied'] });

export const parkingEventSchema = z.union([
  faultEvent(PARKING_FAULT_CODES),
  z.strictObject({
    ts: tsSchema,
    seq: seqSchema,
    event: z.enum(['occupied', 'free']).describe('a spot changed state'),
  }),
]);
