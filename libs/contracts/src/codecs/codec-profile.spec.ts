import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../contract';
import { DEVICE_TYPE_NAMES, type DeviceType } from '../domains';
import { codecProfileSchemaFor, codecTargets, validDeviceModelSchema, type CodecProfileInput } from './codec-profile.schema';
import { SHIPPED_DEVICE_MODELS } from './shipped-models';

/** A profile that maps every required field of the type from `src_<field>`, plus `extra`. */
function minimal(type: DeviceType, extra: Record<string, unknown> = {}): CodecProfileInput {
  const fields: Record<string, { to: string }> = {};
  for (const [name, t] of codecTargets(type)) if (t.required) fields[`src_${name}`] = { to: name };
  // An air station requires no one field, but at least one pollutant (checked on each reading).
  if (Object.keys(fields).length === 0) fields.src_pm25 = { to: 'pm25_ugm3' };
  return { fields: { ...fields, ...extra } as CodecProfileInput['fields'] };
}
const errorOf = (type: DeviceType, p: unknown) => {
  const r = codecProfileSchemaFor(type).safeParse(p);
  return r.success ? undefined : describeIssues(r.error, 10);
};

describe('codec profile validation', () => {
  it.each(SHIPPED_DEVICE_MODELS.map((m) => [m.id, m] as const))('accepts the shipped model %s', (_id, model) => {
    const r = validDeviceModelSchema.safeParse(model);
    expect(r.success ? 'ok' : describeIssues(r.error)).toBe('ok');
  });

  it.each(DEVICE_TYPE_NAMES)('%s: accepts each of its own fields, refuses every field of the other types it lacks, naming the source', (type) => {
    const own = codecTargets(type);
    expect(errorOf(type, minimal(type))).toBeUndefined();
    const base = Object.values(minimal(type).fields).map((m) => m.to);
    for (const name of own.keys()) {
      const error = errorOf(type, minimal(type, { [`x_${name}`]: { to: name } }));
      if (base.includes(name)) expect(error, name).toMatch(new RegExp(`fields\\.x_${name}\\.to: ${name} is already filled from src_`));
      else expect(error, name).toBeUndefined();
    }
    const foreign = new Set(DEVICE_TYPE_NAMES.flatMap((t) => [...codecTargets(t).keys()]).filter((n) => !own.has(n)));
    for (const name of [...foreign, 'voltage', 'made_up_field']) {
      expect(errorOf(type, minimal(type, { someSource: { to: name } })), name).toMatch(new RegExp(`fields\\.someSource\\.to: ${name} is not a ${type} telemetry field`));
    }
  });

  it.each(DEVICE_TYPE_NAMES)('%s: refuses a profile that leaves any one required field unmapped, naming it', (type) => {
    for (const [name, t] of codecTargets(type)) {
      if (!t.required) continue;
      const p = minimal(type);
      delete (p.fields as Record<string, unknown>)[`src_${name}`];
      expect(errorOf(type, p.fields && Object.keys(p.fields).length ? p : { fields: { other: { to: '?' } } }), name).toContain(`required ${type} field ${name} is not mapped`);
    }
  });

  it.each(['ts', 'seq', 'rssi_dbm', 'snr_db'])('refuses filling the network server\'s own field %s', (field) => {
    expect(errorOf('co2-sensor', minimal('co2-sensor', { t: { to: field } }))).toMatch(new RegExp(`fields\\.t\\.to: ${field} comes from the network server`));
  });

  it.each([
    ['a boolean field from a scale', { occ: { to: 'occupied', scale: 2 } }, /fields\.occ: occupied is a boolean, the mapping writes a number/],
    ['a number field from nonzero_is_true', { t: { to: 'temp_c', convert: 'nonzero_is_true' } }, /fields\.t: temp_c is a number, the mapping writes a boolean/],
    ['two conversions at once', { t: { to: 'temp_c', convert: 'kelvin_to_celsius', scale: 1 } }, /fields\.t: one of convert, scale\/offset or values at most/],
    ['an unknown conversion', { t: { to: 'temp_c', convert: 'eval' } }, /fields\.t\.convert/],
    ['a scale of 0', { t: { to: 'temp_c', scale: 0 } }, /fields\.t\.scale: scale must be a finite number other than 0/],
    ['an unknown mapping key', { t: { to: 'temp_c', code: 'return 1' } }, /fields\.t: Unrecognized key/],
    ['a path of 5 levels', { 'a.b.c.d.e': { to: 'temp_c' } }, /fields\.a\.b\.c\.d\.e: a source field is a key/],
  ])('refuses %s, naming the field', (_what, extra, error) => {
    expect(errorOf('co2-sensor', minimal('co2-sensor', extra as Record<string, unknown>))).toMatch(error);
  });

  it('drops a __proto__ source (zod skips the key) without touching any prototype', () => {
    const parsed = codecProfileSchemaFor('co2-sensor').parse(minimal('co2-sensor', JSON.parse('{"__proto__": {"to": "temp_c"}}')));
    expect(Object.hasOwn(parsed.fields, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(parsed.fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).to).toBeUndefined();
  });

  it('refuses a source both mapped and ignored, and an empty profile', () => {
    expect(errorOf('co2-sensor', { ...minimal('co2-sensor'), ignore: ['src_co2_ppm'] })).toMatch(/ignore\.0: src_co2_ppm is both mapped and ignored/);
    expect(errorOf('co2-sensor', { fields: {} })).toMatch(/fields: fields maps 1 to 64 source fields/);
  });

  it('names the codec of a model whose profile does not fit its type', () => {
    const r = validDeviceModelSchema.safeParse({ id: 'x', type: 'parking-spot', name: 'X', codec: { fields: { co2: { to: 'co2_ppm' } } } });
    expect(r.success ? '' : describeIssues(r.error)).toMatch(/codec\.fields\.co2\.to: co2_ppm is not a parking-spot telemetry field/);
  });
});

describe('docs/DEVICE-CONTRACT.md', () => {
  it('shows a codec profile that is valid for a co2-sensor and is the shipped Elsys one', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/DEVICE-CONTRACT.md'), 'utf8');
    const block = /A profile, checked against[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
    const profile = codecProfileSchemaFor('co2-sensor').parse(JSON.parse(block!));
    expect(profile).toEqual(SHIPPED_DEVICE_MODELS.find((m) => m.id === 'elsys-ers-co2')!.codec);
  });
});
