import type { Point } from '@hv/contracts';
import { InvalidPointError } from './timeseries.errors';

/**
 * InfluxDB line protocol (1.x reference, "Special characters"; also read by 2.x and 3.x):
 *
 *   measurement[,tag_key=tag_value...] field_key=field_value[,...] timestamp
 *
 * - measurement: `,` and space escaped with `\`;
 * - tag keys, tag values, field keys: `,`, `=` and space escaped with `\`;
 * - string field values: double-quoted, `"` and `\` escaped with `\`;
 * - numbers are floats (no `i` suffix), so a field never changes type; booleans `true`/`false`;
 * - timestamps are Unix ms: write with `precision=ms`.
 *
 * Characters line protocol cannot carry become U+FFFD (REPLACEMENT), never a broken line:
 * - control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F) anywhere, so that a point
 *   is always exactly one line: a raw newline ends the line (1.6 lets one through only inside
 *   a quoted string), and tabs and NULs count as whitespace where a line, its field set or
 *   its timestamp starts (1.6 stores `m \tf=1` as field `f`), though not inside a name;
 * - lone UTF-16 surrogates (what a UTF-8 encoder would do anyway);
 * - in measurements, tag keys/values and field keys, a backslash that is last or comes right
 *   before `,` space `=` or `"`. InfluxDB 1.6 has no escape for a backslash there: `\\,`
 *   still reads as an escaped comma (tags: "invalid tag format"; field keys: "invalid field
 *   format"; measurement: the tags are swallowed into its name), and `\"`/`\=` are unescaped
 *   in field keys and measurements. Any other backslash is stored as is. (1.6 keeps `\"`
 *   verbatim in tag keys and values; one rule for every name is simpler and costs little.)
 * Boundary ids (ids.ts) never contain any of these; this is defence in depth.
 *
 * Replacement can make two different keys equal (`k\n` and `k\r` both become `k\uFFFD`).
 * InfluxDB 1.6 rejects a line with a repeated tag key ("duplicate tags") and keeps only the
 * last of repeated field keys without a word, so such a point is refused here instead.
 */
export const REPLACEMENT = '\uFFFD';

/** InfluxDB stores int64 ns: ±9223372036854775806 ns, whole ms within it. */
const MAX_TIMESTAMP_MS = 9_223_372_036_854;

const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SPACE = 0x20;
const EQUALS = 0x3d;
const QUOTE = 0x22;

// Fast paths: most names and values need no change and are used as they are.
const NAME_NEEDS_WORK = /[\x00-\x20,=\\\x7f-\x9f\ud800-\udfff]/;
const STRING_NEEDS_WORK = /["\\\x00-\x1f\x7f-\x9f\ud800-\udfff]/;

const isControl = (c: number): boolean => c < 0x20 || (c >= 0x7f && c <= 0x9f);
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** A raw backslash is read literally unless it ends the name or precedes a character the parser escapes. */
function backslashIsLiteral(s: string, next: number): boolean {
  if (next >= s.length) return false;
  const c = s.charCodeAt(next);
  return c !== COMMA && c !== SPACE && c !== EQUALS && c !== QUOTE;
}

/** Measurement (`escapeEquals` false), tag key, tag value or field key. */
function escapeName(s: string, escapeEquals: boolean): string {
  if (!NAME_NEEDS_WORK.test(s)) return s;
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let replacement: string;
    if (c === COMMA || c === SPACE || (c === EQUALS && escapeEquals)) replacement = '\\' + s[i];
    else if (c === BACKSLASH) {
      if (backslashIsLiteral(s, i + 1)) continue;
      replacement = REPLACEMENT;
    } else if (isControl(c)) replacement = REPLACEMENT;
    else if (isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1))) {
      i++;
      continue;
    } else if (isHighSurrogate(c) || isLowSurrogate(c)) replacement = REPLACEMENT;
    else continue;
    out += s.slice(start, i) + replacement;
    start = i + 1;
  }
  return start === 0 ? s : out + s.slice(start);
}

function quoteString(s: string): string {
  if (!STRING_NEEDS_WORK.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let replacement: string;
    if (c === QUOTE || c === BACKSLASH) replacement = '\\' + s[i];
    else if (isControl(c)) replacement = REPLACEMENT;
    else if (isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1))) {
      i++;
      continue;
    } else if (isHighSurrogate(c) || isLowSurrogate(c)) replacement = REPLACEMENT;
    else continue;
    out += s.slice(start, i) + replacement;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

function serializeMeasurement(m: string): string {
  if (typeof m !== 'string' || m === '') throw new InvalidPointError('measurement must be a non-empty string');
  // A line starting with `#` is a comment: InfluxDB would answer 204 and store nothing.
  if (m.charCodeAt(0) === 0x23) throw new InvalidPointError('measurement must not start with "#"', m);
  return escapeName(m, false);
}

function serializeTags(tags: Record<string, string>, measurement: string): string {
  const keys = Object.keys(tags);
  // InfluxDB's performance tip: tags sorted by key. JS compares UTF-16 units, Go compares
  // UTF-8 bytes; they differ only for astral vs U+E000..U+FFFF keys, and the server re-sorts.
  if (keys.length > 1) keys.sort();
  let out = '';
  let changedKeys = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = tags[key];
    if (typeof value !== 'string') throw new InvalidPointError(`tag "${key}" must be a string`, measurement);
    // An empty tag value is "missing tag value" to InfluxDB; absent is what it means.
    if (value === '') continue;
    if (key === '') throw new InvalidPointError('tag key must not be empty', measurement);
    // 1.x rejects the whole point: "invalid tag key: input tag "time" ... is invalid".
    if (key === 'time') throw new InvalidPointError('"time" is reserved and cannot be a tag key', measurement);
    const escapedKey = escapeName(key, true);
    // Cheap: escapeName hands back the very same string when nothing needs changing.
    if (escapedKey !== key) changedKeys = true;
    out += ',' + escapedKey + '=' + escapeName(value, true);
  }
  if (changedKeys) assertDistinctKeys(keys.filter((k) => tags[k] !== ''), 'tag', measurement);
  return out;
}

/**
 * Throws when two keys are equal once escaped. Only replacement can merge keys (escaping
 * alone is one-to-one), and it changes the key it touches, so callers run this only when
 * some key came out of escapeName changed: the usual point never gets here.
 */
function assertDistinctKeys(keys: readonly string[], kind: 'tag' | 'field', measurement: string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    const escaped = escapeName(key, true);
    if (seen.has(escaped)) {
      throw new InvalidPointError(`two ${kind} keys are both "${escaped}" once unstorable characters are replaced`, measurement);
    }
    seen.add(escaped);
  }
}

function serializeFields(p: Point): string {
  const fields = p.fields;
  let out = '';
  let changedKeys = false;
  for (const key in fields) {
    const field = fieldKeyOf(key);
    const text = fieldValueText(key, fields[key], p.measurement);
    if (field.error !== undefined) throw new InvalidPointError(field.error, p.measurement);
    if (field.changed) changedKeys = true;
    out += (out === '' ? field.first : field.next) + text;
  }
  if (changedKeys) assertDistinctKeys(Object.keys(fields), 'field', p.measurement);
  if (out === '') throw new InvalidPointError('a point needs at least one field', p.measurement);
  return out;
}

/** A field key as every line writes it, escaped and checked once rather than once per line. */
interface FieldKey {
  /** `key=`, escaped, for a line's first field. */
  readonly first: string;
  /** `,key=`, escaped, for the others. */
  readonly next: string;
  /** escapeName changed the key: a replacement may have made it equal to another. */
  readonly changed: boolean;
  /** Why InfluxDB cannot store the key; thrown once its value has been checked, as a point would. */
  readonly error: string | undefined;
}

/**
 * Field keys come from a handful of device schemas, so a small cache holds them all; a
 * sender of ever-new keys only empties it now and then. Long keys are not kept, so the
 * cache stays a few hundred kB at most.
 */
const fieldKeys = new Map<string, FieldKey>();
const MAX_FIELD_KEYS = 1_024;
const MAX_CACHED_KEY_LENGTH = 64;

function fieldKeyOf(key: string): FieldKey {
  let field = fieldKeys.get(key);
  if (field !== undefined) return field;
  const escaped = escapeName(key, true);
  field = {
    first: escaped + '=',
    next: ',' + escaped + '=',
    changed: escaped !== key,
    // 1.x drops a field named "time" without a word (204) when others remain.
    error: key === '' ? 'field key must not be empty' : key === 'time' ? '"time" is reserved and cannot be a field key' : undefined,
  };
  if (key.length <= MAX_CACHED_KEY_LENGTH) {
    if (fieldKeys.size >= MAX_FIELD_KEYS) fieldKeys.clear();
    fieldKeys.set(key, field);
  }
  return field;
}

/** A field's value as line protocol writes it; throws for a value InfluxDB cannot store. */
function fieldValueText(key: string, value: unknown, measurement: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InvalidPointError(`field "${key}" is ${value}; only finite numbers can be stored`, measurement);
    }
    return numberText(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return quoteString(value);
  throw new InvalidPointError(`field "${key}" must be a number, boolean or string`, measurement);
}

const POWERS_OF_TEN = [1, 10, 100, 1_000];
const ZEROS = ['', '0', '00'];

/**
 * `'' + value`, byte for byte: the shortest form that reads back as the same double (but -0
 * prints as 0); InfluxDB parses `1e+21` and `5e-324` as floats. Readings are mostly decimals
 * with one to three places, written here from integers at about half the cost of the general
 * conversion. `scaled / scale` is the double nearest the decimal, so it equals `value` exactly
 * when the decimal reads back as `value`, and fewer places were tried first, so it is the
 * shortest; below 1e9 doubles are far closer together than 0.001, so no other decimal with
 * as few places reads back as `value`.
 */
function numberText(value: number): string {
  if (value > -1e9 && value < 1e9 && !Number.isInteger(value)) {
    const magnitude = value < 0 ? -value : value;
    for (let places = 1; places <= 3; places++) {
      const scale = POWERS_OF_TEN[places]!;
      const scaled = Math.round(magnitude * scale);
      if (scaled / scale === magnitude) {
        const whole = Math.floor(magnitude);
        const fraction = '' + (scaled - whole * scale);
        return (value < 0 ? '-' : '') + whole + '.' + ZEROS[places - fraction.length]! + fraction;
      }
    }
  }
  return '' + value;
}

/**
 * `line` followed by the field set of a payload as a point's fields would hold it: every
 * key but `skip`, in the payload's order, null and undefined values left out (what
 * @hv/contracts' pointOfReading does). Appending to the series key as it goes, rather than
 * joining separate strings, leaves fewer pieces for the batch body to copy.
 */
export function appendFieldsOf(line: string, payload: Readonly<Record<string, unknown>>, skip: string, measurement: string): string {
  let out = line;
  let empty = true;
  let changedKeys = false;
  for (const key in payload) {
    if (key === skip) continue;
    const value = payload[key];
    if (value === undefined || value === null) continue;
    const field = fieldKeyOf(key);
    const text = fieldValueText(key, value, measurement);
    if (field.error !== undefined) throw new InvalidPointError(field.error, measurement);
    if (field.changed) changedKeys = true;
    out += (empty ? field.first : field.next) + text;
    empty = false;
  }
  if (changedKeys) assertDistinctKeys(Object.keys(payload).filter((k) => k !== skip && payload[k] != null), 'field', measurement);
  if (empty) throw new InvalidPointError('a point needs at least one field', measurement);
  return out;
}

/** A point's timestamp as line protocol writes it (Unix ms, for `precision=ms`). */
export function serializeTimestamp(ts: number, measurement: string): string {
  if (!Number.isInteger(ts) || ts > MAX_TIMESTAMP_MS || ts < -MAX_TIMESTAMP_MS) {
    throw new InvalidPointError(`timestampMs ${ts} is not a whole number of ms within InfluxDB's range`, measurement);
  }
  // Today's ms timestamps are past 2^31, so '' + ts takes the general double conversion; two
  // small integers (millions of ms, then the other six digits) print at half the cost.
  if (ts >= 1_000_000) {
    const millions = Math.floor(ts / 1_000_000);
    const rest = '' + (ts - millions * 1_000_000);
    return '' + millions + SIX_DIGITS_PADDING[6 - rest.length]! + rest;
  }
  return '' + ts;
}

const SIX_DIGITS_PADDING = ['', '0', '00', '000', '0000', '00000'];

/**
 * The measurement and tag set of a line (its series key, before the space and the fields):
 * what serializePoint writes first for a point with these. A writer whose tags stay the
 * same from one point to the next computes it once.
 */
export function serializeSeriesKey(measurement: string, tags: Record<string, string>): string {
  return serializeMeasurement(measurement) + serializeTags(tags, measurement);
}

/** One line, without its newline. Throws InvalidPointError for a point InfluxDB cannot store. */
export function serializePoint(p: Point): string {
  return serializeSeriesKey(p.measurement, p.tags) + ' ' + serializeFields(p) + ' ' + serializeTimestamp(p.timestampMs, p.measurement);
}

/** A `/write` body: one line per point, each ending with a newline ('' for no points). */
export function serializePoints(points: readonly Point[]): string {
  let out = '';
  for (let i = 0; i < points.length; i++) out += serializePoint(points[i]!) + '\n';
  return out;
}
