import { z } from 'zod';
import { TELEMETRY_SCHEMAS } from '../contract';
import { DEVICE_TYPE_NAMES, type DeviceType } from '../domains';

/**
 * A device model's codec profile: how the fields its network-server decoder outputs
 * (ChirpStack v4 `object`, The Things Stack `decoded_payload`) become the contract's
 * telemetry fields. Declarative on purpose: a fixed set of named conversions and a linear
 * scale/offset, never user code (no eval in ingest).
 */

/**
 * Named unit conversions, source → contract, with their inverses (the simulator encodes
 * through them). Each says the JSON type it reads and writes.
 */
export const CODEC_CONVERSIONS = {
  /** ‰ → % (e.g. a battery level in per mille). */
  per_mille_to_percent: { from: 'number', to: 'number', apply: (v: number) => v / 10, invert: (v: number) => v * 10 },
  /** mV → V. */
  mv_to_v: { from: 'number', to: 'number', apply: (v: number) => v / 1000, invert: (v: number) => v * 1000 },
  /** V → mV. */
  v_to_mv: { from: 'number', to: 'number', apply: (v: number) => v * 1000, invert: (v: number) => v / 1000 },
  /** °F → °C. */
  fahrenheit_to_celsius: { from: 'number', to: 'number', apply: (v: number) => ((v - 32) * 5) / 9, invert: (v: number) => (v * 9) / 5 + 32 },
  /** K → °C. */
  kelvin_to_celsius: { from: 'number', to: 'number', apply: (v: number) => v - 273.15, invert: (v: number) => v + 273.15 },
  /** kWh → Wh. */
  kwh_to_wh: { from: 'number', to: 'number', apply: (v: number) => v * 1000, invert: (v: number) => v / 1000 },
  /** Wh → kWh. */
  wh_to_kwh: { from: 'number', to: 'number', apply: (v: number) => v / 1000, invert: (v: number) => v * 1000 },
  /** A count or flag (PIR motions, 0/1 occupancy) → whether it is non-zero. */
  nonzero_is_true: { from: 'number', to: 'boolean', apply: (v: number) => v !== 0, invert: (v: boolean) => (v ? 1 : 0) },
} as const;
export type CodecConversion = keyof typeof CODEC_CONVERSIONS;
export const CODEC_CONVERSION_NAMES = Object.keys(CODEC_CONVERSIONS) as [CodecConversion, ...CodecConversion[]];

/** Names an object can never carry safely as a plain key (prototype pollution). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/** A decoder's field: a key, or a dotted path into nested objects (`sensor.temperature`), 4 levels at most. */
export const codecSourceFieldSchema = z
  .string()
  .max(200)
  .refine((s) => s.split('.').length <= 4 && s.split('.').every((k) => KEY.test(k) && !FORBIDDEN_KEYS.has(k)), {
    message: 'a source field is a key ([A-Za-z_$][A-Za-z0-9_$-]{0,63}) or a dotted path of up to 4 keys',
  });

export const codecMappingSchema = z
  .strictObject({
    /** The contract field it becomes (with its unit suffix: `temp_c`, `co2_ppm`). */
    to: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a contract field is lower-case snake_case'),
    convert: z.enum(CODEC_CONVERSION_NAMES).optional(),
    /** Linear conversion: contract = source × scale + offset. */
    scale: z.number().refine((v) => Number.isFinite(v) && v !== 0, 'scale must be a finite number other than 0').optional(),
    offset: z.number().refine(Number.isFinite, 'offset must be finite').optional(),
    /** Enumerations: a decoder's string (or number, as its JSON text) → the contract value. */
    values: z
      .record(z.string().min(1).max(64), z.union([z.boolean(), z.number().refine(Number.isFinite, 'must be finite')]))
      .refine((m) => Object.keys(m).length > 0 && Object.keys(m).length <= 32, 'values lists 1 to 32 entries')
      .optional(),
  })
  .refine((m) => [m.convert !== undefined, m.scale !== undefined || m.offset !== undefined, m.values !== undefined].filter(Boolean).length <= 1, {
    message: 'one of convert, scale/offset or values at most',
  });
export type CodecMapping = z.infer<typeof codecMappingSchema>;

/** A profile as stored: which device type it serves is the model's, checked by codecProfileSchemaFor. */
export const codecProfileSchema = z.strictObject({
  /** Where the decoder it follows is published (repository and path, or URL). */
  decoder: z.string().min(1).max(300).optional(),
  fields: z
    .record(codecSourceFieldSchema, codecMappingSchema)
    .refine((f) => Object.keys(f).length > 0 && Object.keys(f).length <= 64, 'fields maps 1 to 64 source fields'),
  /** The decoder's fields that have no place in the contract (a refused uplink names any field that is in neither list). */
  ignore: z.array(codecSourceFieldSchema).max(64).default([]),
});
export type CodecProfile = z.infer<typeof codecProfileSchema>;
export type CodecProfileInput = z.input<typeof codecProfileSchema>;

/** Contract fields a profile may not fill: the network server's own (`ts`, `seq`, radio). */
const NETWORK_FIELDS = new Set(['ts', 'seq', 'rssi_dbm', 'snr_db']);

type FieldKind = 'number' | 'boolean';

/** The telemetry fields a profile of this type may fill: name → JSON kind, required. */
export function codecTargets(type: DeviceType): Map<string, { kind: FieldKind; required: boolean }> {
  const out = new Map<string, { kind: FieldKind; required: boolean }>();
  for (const [name, schema] of Object.entries(TELEMETRY_SCHEMAS[type].shape as Record<string, z.ZodType>)) {
    if (NETWORK_FIELDS.has(name)) continue;
    const optional = schema.safeParse(undefined).success;
    const inner = (optional ? (schema.def as { innerType?: z.ZodType }).innerType ?? schema : schema).def.type;
    out.set(name, { kind: inner === 'boolean' ? 'boolean' : 'number', required: !optional });
  }
  return out;
}

/** What a mapping writes: its conversion's output, or its values' type, else the source's own. */
function writes(m: CodecMapping): FieldKind | 'any' {
  if (m.convert) return CODEC_CONVERSIONS[m.convert].to;
  if (m.scale !== undefined || m.offset !== undefined) return 'number';
  if (m.values) {
    const kinds = new Set(Object.values(m.values).map((v) => typeof v));
    return kinds.size === 1 ? (kinds.has('boolean') ? 'boolean' : 'number') : 'any';
  }
  return 'any';
}

/**
 * The profile schema of one device type: the generic shape, plus every mapping names a
 * field the type's telemetry has (not a network server's field), of the same kind, no
 * field filled twice, every required field filled, nothing both mapped and ignored.
 */
export function codecProfileSchemaFor(type: DeviceType) {
  const targets = codecTargets(type);
  return codecProfileSchema.superRefine((p, ctx) => {
    const filled = new Map<string, string>();
    for (const [source, m] of Object.entries(p.fields)) {
      const target = targets.get(m.to);
      if (!target) {
        const why = NETWORK_FIELDS.has(m.to) ? 'comes from the network server, not the decoder' : `is not a ${type} telemetry field (${[...targets.keys()].join(', ')})`;
        ctx.addIssue({ code: 'custom', path: ['fields', source, 'to'], message: `${m.to} ${why}` });
        continue;
      }
      const kind = writes(m);
      if (kind !== 'any' && kind !== target.kind) {
        ctx.addIssue({ code: 'custom', path: ['fields', source], message: `${m.to} is a ${target.kind}, the mapping writes a ${kind}` });
      }
      const twice = filled.get(m.to);
      if (twice !== undefined) ctx.addIssue({ code: 'custom', path: ['fields', source, 'to'], message: `${m.to} is already filled from ${twice}` });
      filled.set(m.to, source);
    }
    for (const [name, t] of targets) {
      if (t.required && !filled.has(name)) ctx.addIssue({ code: 'custom', path: ['fields'], message: `required ${type} field ${name} is not mapped` });
    }
    p.ignore.forEach((source, i) => {
      if (Object.hasOwn(p.fields, source)) ctx.addIssue({ code: 'custom', path: ['ignore', i], message: `${source} is both mapped and ignored` });
    });
  });
}

/** A device model: a piece of hardware of one device type, with its decoder's profile. */
export const deviceModelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'model id must match [a-z0-9][a-z0-9._-]{0,63}'),
  type: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]),
  name: z.string().trim().min(1).max(200).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'name has a control character'),
  codec: codecProfileSchema,
});
export type DeviceModel = z.infer<typeof deviceModelSchema>;

/** A model with its profile checked against its type: the one parse provisioning does. */
export const validDeviceModelSchema = deviceModelSchema.superRefine((m, ctx) => {
  const checked = codecProfileSchemaFor(m.type).safeParse(m.codec);
  if (!checked.success) for (const i of checked.error.issues) ctx.addIssue({ ...i, code: 'custom', path: ['codec', ...i.path] } as never);
});
