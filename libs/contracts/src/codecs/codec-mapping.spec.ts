import { describe, expect, it } from 'vitest';
import { DEVICE_TYPE_NAMES, type DeviceType } from '../domains';
import { decodeWithProfile, encodeWithProfile } from './codec-mapping';
import { CODEC_CONVERSIONS, codecProfileSchemaFor, codecTargets, type CodecMapping, type CodecProfile } from './codec-profile.schema';
import { REAL_DEVICE_MODELS } from './shipped-models';

/** mulberry32: seeded, so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const NUMBER_CONVERSIONS = (Object.keys(CODEC_CONVERSIONS) as Array<keyof typeof CODEC_CONVERSIONS>).filter((c) => CODEC_CONVERSIONS[c].to === 'number');

/** A random valid profile of the type: every field mapped from a made-up decoder name, some converted, some nested. */
function randomProfile(type: DeviceType, r: () => number): CodecProfile {
  const fields: Record<string, CodecMapping> = {};
  let i = 0;
  for (const [name, t] of codecTargets(type)) {
    const source = `${r() < 0.2 ? 'sensor.' : ''}${name.replace(/_/g, '')}Src${i++}`;
    const pick = r();
    if (t.kind === 'boolean') fields[source] = pick < 0.33 ? { to: name } : pick < 0.66 ? { to: name, convert: 'nonzero_is_true' } : { to: name, values: { on: true, off: false } };
    else fields[source] = pick < 0.3 ? { to: name } : pick < 0.6 ? { to: name, convert: NUMBER_CONVERSIONS[Math.floor(r() * NUMBER_CONVERSIONS.length)]! } : { to: name, scale: 0.1 + r() * 10, offset: r() * 20 - 10 };
  }
  return codecProfileSchemaFor(type).parse({ fields, ignore: ['junk'] });
}

/** A random reading valid for the type (every field, values within the contract's ranges where it has them). */
function randomReading(type: DeviceType, r: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, t] of codecTargets(type)) out[name] = t.kind === 'boolean' ? r() < 0.5 : Math.round(r() * 50);
  if (type === 'car-park') out.capacity = (out.occupied as number) + 10;
  return out;
}

describe('decodeWithProfile / encodeWithProfile', () => {
  it.each(DEVICE_TYPE_NAMES)('%s: 100 generated profiles × readings come back as the contract reading after encode and decode', (type) => {
    const r = rng(DEVICE_TYPE_NAMES.indexOf(type) + 1);
    for (let n = 0; n < 100; n++) {
      const profile = randomProfile(type, r);
      const reading = randomReading(type, r);
      const uplink = { ...encodeWithProfile(profile, reading), junk: 'ignored' };
      const decoded = decodeWithProfile(profile, uplink);
      expect(decoded.ok).toBe(true);
      const got = (decoded as { reading: Record<string, unknown> }).reading;
      for (const [k, v] of Object.entries(reading)) {
        if (typeof v === 'number') expect(got[k], `${k} via ${JSON.stringify(profile.fields)}`).toBeCloseTo(v, 6);
        else expect(got[k]).toBe(v);
      }
    }
  });

  it('converts units: per mille, mV, °F, K, Wh, counts', () => {
    const p = codecProfileSchemaFor('lighting-controller').parse({
      fields: {
        state: { to: 'on', values: { ON: true, OFF: false } },
        dim: { to: 'level_pct', convert: 'per_mille_to_percent' },
        watts: { to: 'power_w' },
        kwh: { to: 'energy_wh', convert: 'kwh_to_wh' },
        mv: { to: 'voltage_v', convert: 'mv_to_v' },
        tempF: { to: 'temp_c', convert: 'fahrenheit_to_celsius' },
        switches: { to: 'switch_count', scale: 1 },
      },
    });
    expect(decodeWithProfile(p, { state: 'ON', dim: 505, watts: 27, kwh: 1.5, mv: 230_500, tempF: 212, switches: 3 })).toEqual({
      ok: true,
      reading: { on: true, level_pct: 50.5, power_w: 27, energy_wh: 1500, voltage_v: 230.5, temp_c: 100, switch_count: 3 },
    });
    const k = codecProfileSchemaFor('co2-sensor').parse({ fields: { co2: { to: 'co2_ppm' }, t: { to: 'temp_c', convert: 'kelvin_to_celsius' } } });
    const kelvin = decodeWithProfile(k, { co2: 400, t: 293.15 });
    expect(kelvin.ok && (kelvin.reading.temp_c as number)).toBeCloseTo(20, 9);
  });

  it.each([
    ['a field the profile neither maps nor ignores', { co2: 400, pressure: 1013 }, /^pressure: not in the model's codec profile/],
    ['a string where a number is converted', { co2: 400, motion: 'yes' }, /^motion: expected a number for nonzero_is_true, got string/],
    ['a __proto__ key', JSON.parse('{"co2": 400, "__proto__": {"x": 1}}'), /^__proto__: not in the model's codec profile/],
  ])('refuses %s, naming the source field', (_what, object, error) => {
    const elsys = REAL_DEVICE_MODELS.find((m) => m.id === 'elsys-ers-co2')!;
    const out = decodeWithProfile(elsys.codec, object as Record<string, unknown>);
    expect(out.ok ? '' : out.error).toMatch(error);
  });

  it('refuses a value outside an enumeration and a scale that overflows', () => {
    const p = codecProfileSchemaFor('parking-spot').parse({ fields: { status: { to: 'occupied', values: { occupied: true, vacant: false } }, batt: { to: 'battery_pct', scale: 1e308 } } });
    const bad = decodeWithProfile(p, { status: 'unknown' });
    expect(bad.ok ? '' : bad.error).toMatch(/^status: value "unknown" is not one of occupied, vacant/);
    const inf = decodeWithProfile(p, { status: 'vacant', batt: 10 });
    expect(inf.ok ? '' : inf.error).toMatch(/^batt: .* is not a finite number/);
  });

  it('maps the real decoders\' outputs as their READMEs show them', () => {
    const [am103, elsys] = REAL_DEVICE_MODELS;
    // Milesight's README example (payload 0175640367180104686D077DC501)
    expect(decodeWithProfile(am103!.codec, { battery: 100, co2: 453, temperature: 28, humidity: 54.5 })).toEqual({ ok: true, reading: { co2_ppm: 453, temp_c: 28, rh_pct: 54.5 } });
    expect(decodeWithProfile(elsys!.codec, { temperature: 23.1, humidity: 41, light: 39, motion: 2, co2: 776, vdd: 3621 })).toEqual({
      ok: true,
      reading: { co2_ppm: 776, temp_c: 23.1, rh_pct: 41, occupied: true },
    });
  });
});
