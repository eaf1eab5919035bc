import { z } from 'zod';
import { faultEvent, telemetryBase } from './common.schema';

export const AIR_FAULT_CODES = ['sensor_fault', 'sensor_drift', 'battery_low'] as const;

const ugm3 = (what: string) => z.number().min(0).max(10_000).optional().describe(`${what}, µg/m³`);

/** Outdoor air-quality station: the five ATMO pollutants (arrêté du 10 juillet 2020). */
export const airStationTelemetrySchema = z
  .strictObject({
    ...telemetryBase,
    pm25_ugm3: ugm3('PM2.5'),
    pm10_ugm3: ugm3('PM10'),
    no2_ugm3: ugm3('NO2'),
    o3_ugm3: ugm3('O3'),
    so2_ugm3: ugm3('SO2'),
    temp_c: z.number().min(-50).max(60).optional(),
    rh_pct: z.number().min(0).max(100).optional(),
  })
  .refine(
    (m) => [m.pm25_ugm3, m.pm10_ugm3, m.no2_ugm3, m.o3_ugm3, m.so2_ugm3].some((v) => v !== undefined),
    { message: 'an air-station reading needs at least one pollutant' },
  );

/** Indoor CO2 sensor (NDIR, 0–5,000 ppm; décrets 2022-1689/1690). */
export const co2SensorTelemetrySchema = z.strictObject({
  ...telemetryBase,
  co2_ppm: z.number().min(0).max(10_000).describe('CO2, ppm'),
  temp_c: z.number().min(-20).max(60).optional().describe('room temperature, °C'),
  rh_pct: z.number().min(0).max(100).optional().describe('relative humidity, %'),
  occupied: z.boolean().optional(),
});

export const airEventSchema = faultEvent(AIR_FAULT_CODES);
