import { devEuiSchema, DEVICE_TYPES, deviceIdSchema, tenantIdSchema, type DeviceType } from '@hv/contracts';
import { z } from 'zod';
import { scryptCostSchema, secretSchema } from './credentials.schema';
import { InvalidInputError } from './state.errors';
import { parseOrThrow } from './validation';

const deviceTypeNames = Object.keys(DEVICE_TYPES) as [DeviceType, ...DeviceType[]];

/**
 * Static attributes. The known ones are typed; others are kept as given (any JSON value).
 * `cabinet` becomes an InfluxDB tag, so it obeys the device id pattern.
 */
export const deviceAttributesSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    /** Id of the lighting cabinet (armoire) feeding the device. */
    cabinet: deviceIdSchema.optional(),
    building: z.string().min(1).max(200).optional(),
    /**
     * Rated power of the luminaire or equipment, W. Bounded: the energy KPI sums rated
     * power × loss factor in PostgreSQL, where two of 1e308 overflow float8 ("value out of
     * range: overflow", an error instead of a figure).
     */
    rated_power_w: z.number().positive().max(10_000_000, 'at most 10 MW (10,000,000 W)').optional(),
    /** Drawn over rated power (driver or ballast losses, DOMAIN.md: ≈ 1.04–1.15). */
    loss_factor: z.number().min(1, 'at least 1 (drawn power over rated power)').max(3, 'at most 3').optional(),
    /** WGS 84, degrees. */
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .catchall(z.unknown().refine((v) => isJsonValue(v, 0), 'must be a JSON value (no undefined, NaN, function or date)'));

/** What provisioning gives for one device; the domain is derived from the type. */
export const deviceInputSchema = z.strictObject({
  id: deviceIdSchema,
  tenant: tenantIdSchema,
  type: z.enum(deviceTypeNames, { error: `type must be one of ${deviceTypeNames.join(', ')}` }),
  /** MQTT password of a device that logs in itself; hashed before it is stored. */
  secret: secretSchema.optional(),
  /** scrypt cost of this secret; TEST_SCRYPT_COST is for simulated fleets only. */
  secretCost: scryptCostSchema.optional(),
  /** LoRaWAN DevEUI, any case (stored in lower case). */
  devEui: devEuiSchema.optional(),
  /** Its device model (a registered one of the same type): the codec profile ingest applies to its LoRaWAN uplinks. */
  model: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'model id must match [a-z0-9][a-z0-9._-]{0,63}').optional(),
  attributes: deviceAttributesSchema.optional(),
});

export type DeviceInput = z.input<typeof deviceInputSchema>;
export type ValidDeviceInput = z.output<typeof deviceInputSchema>;
export type DeviceAttributes = z.output<typeof deviceAttributesSchema>;

/** Validate one device, or throw InvalidInputError naming every bad field. */
export function parseDeviceInput(input: unknown): ValidDeviceInput {
  return parseOrThrow(deviceInputSchema, input, 'device');
}

/**
 * Validate a batch: every bad field of every device is named with its index
 * (`devices[3].devEui: ...`), and ids or DevEUIs repeated within the batch are refused.
 */
export function parseDeviceInputs(inputs: readonly unknown[]): ValidDeviceInput[] {
  const parsed = parseOrThrow(z.array(deviceInputSchema), inputs, 'devices', 'devices');
  const issues = [...repeated(parsed, (d) => d.id, 'id'), ...repeated(parsed, (d) => d.devEui, 'devEui')];
  if (issues.length) throw new InvalidInputError('devices', issues);
  return parsed;
}

/** Attributes are stored as jsonb: only what JSON.stringify round-trips unchanged. */
function isJsonValue(value: unknown, depth: number): boolean {
  if (depth > 16) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => isJsonValue(v, depth + 1));
}

function repeated<T>(items: T[], key: (item: T) => string | undefined, field: string): string[] {
  const first = new Map<string, number>();
  const issues: string[] = [];
  items.forEach((item, i) => {
    const value = key(item);
    if (value === undefined) return;
    const seen = first.get(value);
    if (seen === undefined) first.set(value, i);
    else issues.push(`devices[${i}].${field}: ${value} repeats devices[${seen}].${field}`);
  });
  return issues;
}
