/**
 * The line-protocol serialiser written the plain way: every name and string walked
 * character by character, every number through `'' + value`, strings concatenated as they
 * come. No fast path, no cache, no shortcut. The specs hold line-protocol.ts, which takes
 * those shortcuts on ingest's hot path, to writing exactly these bytes and throwing exactly
 * these errors.
 */
import type { Point } from '@hv/contracts';
import { REPLACEMENT } from '../line-protocol';
import { InvalidPointError } from '../timeseries.errors';

const MAX_TIMESTAMP_MS = 9_223_372_036_854;

const isControl = (c: number): boolean => c < 0x20 || (c >= 0x7f && c <= 0x9f);
const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

function escapeName(s: string, escapeEquals: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === ',' || ch === ' ' || (ch === '=' && escapeEquals)) out += '\\' + ch;
    else if (ch === '\\') {
      const next = s[i + 1];
      out += next === undefined || next === ',' || next === ' ' || next === '=' || next === '"' ? REPLACEMENT : ch;
    } else if (isControl(c)) out += REPLACEMENT;
    else if (isHigh(c) && isLow(s.charCodeAt(i + 1))) out += ch + s[++i]!;
    else if (isHigh(c) || isLow(c)) out += REPLACEMENT;
    else out += ch;
  }
  return out;
}

function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (isControl(c)) out += REPLACEMENT;
    else if (isHigh(c) && isLow(s.charCodeAt(i + 1))) out += ch + s[++i]!;
    else if (isHigh(c) || isLow(c)) out += REPLACEMENT;
    else out += ch;
  }
  return out + '"';
}

function assertDistinct(keys: readonly string[], kind: 'tag' | 'field', measurement: string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    const escaped = escapeName(key, true);
    if (seen.has(escaped)) throw new InvalidPointError(`two ${kind} keys are both "${escaped}" once unstorable characters are replaced`, measurement);
    seen.add(escaped);
  }
}

function fieldText(key: string, value: unknown, measurement: string): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidPointError(`field "${key}" is ${value}; only finite numbers can be stored`, measurement);
    text = '' + value;
  } else if (typeof value === 'string') text = quoteString(value);
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else throw new InvalidPointError(`field "${key}" must be a number, boolean or string`, measurement);
  if (key === '') throw new InvalidPointError('field key must not be empty', measurement);
  if (key === 'time') throw new InvalidPointError('"time" is reserved and cannot be a field key', measurement);
  return text;
}

function fieldSet(entries: ReadonlyArray<[string, unknown]>, measurement: string): string {
  const parts = entries.map(([key, value]) => escapeName(key, true) + '=' + fieldText(key, value, measurement));
  if (entries.some(([key]) => escapeName(key, true) !== key)) assertDistinct(entries.map(([key]) => key), 'field', measurement);
  if (parts.length === 0) throw new InvalidPointError('a point needs at least one field', measurement);
  return parts.join(',');
}

export function plainSeriesKey(measurement: string, tags: Record<string, string>): string {
  if (typeof measurement !== 'string' || measurement === '') throw new InvalidPointError('measurement must be a non-empty string');
  if (measurement.startsWith('#')) throw new InvalidPointError('measurement must not start with "#"', measurement);
  let out = escapeName(measurement, false);
  const kept: string[] = [];
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (typeof value !== 'string') throw new InvalidPointError(`tag "${key}" must be a string`, measurement);
    if (value === '') continue;
    if (key === '') throw new InvalidPointError('tag key must not be empty', measurement);
    if (key === 'time') throw new InvalidPointError('"time" is reserved and cannot be a tag key', measurement);
    kept.push(key);
    out += ',' + escapeName(key, true) + '=' + escapeName(value, true);
  }
  if (kept.some((key) => escapeName(key, true) !== key)) assertDistinct(kept, 'tag', measurement);
  return out;
}

export function plainTimestamp(ts: number, measurement: string): string {
  if (!Number.isInteger(ts) || ts > MAX_TIMESTAMP_MS || ts < -MAX_TIMESTAMP_MS) {
    throw new InvalidPointError(`timestampMs ${ts} is not a whole number of ms within InfluxDB's range`, measurement);
  }
  return String(ts);
}

/** What appendFieldsOf appends: every key but `skip`, null and undefined values left out. */
export function plainFieldsOf(payload: Readonly<Record<string, unknown>>, skip: string, measurement: string): string {
  return fieldSet(Object.entries(payload).filter(([key, value]) => key !== skip && value !== undefined && value !== null), measurement);
}

/** What serializePoint writes. */
export function plainPoint(p: Point): string {
  return plainSeriesKey(p.measurement, p.tags) + ' ' + fieldSet(Object.entries(p.fields), p.measurement) + ' ' + plainTimestamp(p.timestampMs, p.measurement);
}
