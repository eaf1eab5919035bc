import { CODEC_CONVERSIONS, type CodecMapping, type CodecProfile } from './codec-profile.schema';

export type CodecResult = { ok: true; reading: Record<string, unknown> } | { ok: false; error: string };

/**
 * A decoder's output → the contract's telemetry fields, through a validated profile.
 * Refuses, naming the source field, a value of the wrong type, a value not in `values`, a
 * conversion that gives no finite number, and any top-level field the profile neither
 * maps nor ignores (a firmware update that adds a field is seen, not silently dropped).
 * A mapped field absent from the uplink is left out: the contract's schema then says
 * which required field is missing.
 */
export function decodeWithProfile(profile: CodecProfile, object: Record<string, unknown>): CodecResult {
  const known = declaredRoots(profile);
  for (const key of Object.keys(object)) {
    if (!known.has(key)) return { ok: false, error: `${key}: not in the model's codec profile (map it or ignore it)` };
  }
  const reading: Record<string, unknown> = {};
  for (const [source, m] of Object.entries(profile.fields)) {
    const value = at(object, source);
    if (value === undefined || value === null) continue;
    const converted = convert(m, value);
    if (typeof converted === 'string') return { ok: false, error: `${source}: ${converted}` };
    reading[m.to] = converted.value;
  }
  return { ok: true, reading };
}

/** The inverse: contract fields → what the model's decoder would output (the simulator's real-codec mode). */
export function encodeWithProfile(profile: CodecProfile, reading: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [source, m] of Object.entries(profile.fields)) {
    const value = reading[m.to];
    if (value === undefined) continue;
    setAt(out, source, invert(m, value));
  }
  return out;
}

function convert(m: CodecMapping, value: unknown): { value: unknown } | string {
  if (m.values) {
    const key = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    if (key === undefined || !Object.hasOwn(m.values, key)) return `value ${clipJson(value)} is not one of ${Object.keys(m.values).join(', ')}`;
    return { value: m.values[key] };
  }
  if (m.convert) {
    const c = CODEC_CONVERSIONS[m.convert];
    if (typeof value !== 'number') return `expected a number for ${m.convert}, got ${typeof value}`;
    const out = (c.apply as (v: number) => number | boolean)(value);
    return typeof out === 'number' && !Number.isFinite(out) ? `${m.convert} of ${value} is not a finite number` : { value: out };
  }
  if (m.scale !== undefined || m.offset !== undefined) {
    if (typeof value !== 'number') return `expected a number, got ${typeof value}`;
    const out = value * (m.scale ?? 1) + (m.offset ?? 0);
    return Number.isFinite(out) ? { value: out } : `${value} × ${m.scale ?? 1} + ${m.offset ?? 0} is not a finite number`;
  }
  return { value };
}

function invert(m: CodecMapping, value: unknown): unknown {
  if (m.values) return Object.entries(m.values).find(([, v]) => v === value)?.[0] ?? value;
  if (m.convert) return (CODEC_CONVERSIONS[m.convert].invert as (v: unknown) => unknown)(value);
  if ((m.scale !== undefined || m.offset !== undefined) && typeof value === 'number') return (value - (m.offset ?? 0)) / (m.scale ?? 1);
  return value;
}

/** Top-level keys the profile accounts for (per profile object, computed once). */
const roots = new WeakMap<CodecProfile, Set<string>>();
function declaredRoots(profile: CodecProfile): Set<string> {
  let set = roots.get(profile);
  if (!set) {
    set = new Set([...Object.keys(profile.fields), ...profile.ignore].map((p) => p.split('.')[0]!));
    roots.set(profile, set);
  }
  return set;
}

function at(object: Record<string, unknown>, path: string): unknown {
  let v: unknown = object;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function setAt(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = object;
  for (const key of keys.slice(0, -1)) o = (o[key] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
}

function clipJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
