/**
 * Test oracles for the line-protocol serialiser, written from InfluxDB 1.6's parser
 * (models/points.go) and from what the real server was seen to store, not from
 * line-protocol.ts: a slow, obvious second implementation to compare against.
 * Used by the unit tests and by the integration test against the real server.
 */
import { REPLACEMENT } from '../line-protocol';

export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | boolean | string>;
  timestamp: string;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** A backslash InfluxDB 1.6 would read as the start of an escape (or that ends the text). */
const AMBIGUOUS_BACKSLASH = /\\(?=[, ="]|$)/g;

/** What InfluxDB stores for a string field value: the documented replacements, nothing else. */
export function storedString(s: string): string {
  return s.replace(CONTROL, REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT);
}

/** What InfluxDB stores for a measurement, tag key, tag value or field key. */
export function storedName(s: string): string {
  return storedString(s).replace(AMBIGUOUS_BACKSLASH, REPLACEMENT);
}

/** True when `s` holds nothing the serialiser replaces, i.e. it should come back verbatim. */
export function isVerbatim(s: string, kind: 'name' | 'string'): boolean {
  return (kind === 'name' ? storedName(s) : storedString(s)) === s;
}

/**
 * Reads `text` from `i` up to the first unescaped character of `stops`. `\` followed by one
 * of `escapes` stands for that character; any other backslash is literal (1.6's behaviour).
 */
function readEscaped(text: string, i: number, stops: string, escapes: string): [string, number] {
  let out = '';
  while (i < text.length && !stops.includes(text[i]!)) {
    if (text[i] === '\\' && i + 1 < text.length && escapes.includes(text[i + 1]!)) {
      out += text[i + 1];
      i += 2;
    } else out += text[i++];
  }
  return [out, i];
}

function consume(text: string, i: number, c: string): number {
  if (text[i] !== c) throw new Error(`expected ${JSON.stringify(c)} at ${i} in ${JSON.stringify(text)}`);
  return i + 1;
}

function readFieldValue(line: string, i: number): [number | boolean | string, number] {
  if (line[i] === '"') {
    let out = '';
    i++;
    for (;;) {
      if (i >= line.length) throw new Error(`unterminated string in ${JSON.stringify(line)}`);
      const c = line[i]!;
      if (c === '"') return [out, i + 1];
      if (c === '\\' && (line[i + 1] === '\\' || line[i + 1] === '"')) {
        out += line[i + 1];
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
  }
  let end = i;
  while (end < line.length && line[end] !== ',' && line[end] !== ' ') end++;
  const text = line.slice(i, end);
  if (text === 'true') return [true, end];
  if (text === 'false') return [false, end];
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new Error(`bad number ${JSON.stringify(text)}`);
  return [Number(text), end];
}

/**
 * Parses one line as InfluxDB 1.6 does (measurement and field keys unescape `\,` `\ ` `\=`
 * `\"`; tag keys and values `\,` `\ ` `\=`). Strict where the serialiser must be: no raw
 * CR/LF, no empty key or value, nothing after the timestamp.
 */
export function parseLine(line: string): ParsedLine {
  if (/[\r\n]/.test(line)) throw new Error(`raw line break in ${JSON.stringify(line)}`);
  let [measurement, i] = readEscaped(line, 0, ', ', ', ="');
  if (measurement === '') throw new Error('empty measurement');
  // Maps, not objects: a key may be `__proto__` or `valueOf`.
  const tags = new Map<string, string>();
  while (line[i] === ',') {
    let key: string;
    let value: string;
    [key, i] = readEscaped(line, i + 1, ',= ', ', =');
    i = consume(line, i, '=');
    [value, i] = readEscaped(line, i, ',= ', ', =');
    if (key === '' || value === '') throw new Error(`empty tag key or value in ${JSON.stringify(line)}`);
    if (tags.has(key)) throw new Error(`duplicate tag ${key}`);
    tags.set(key, value);
  }
  i = consume(line, i, ' ');
  const fields = new Map<string, number | boolean | string>();
  for (;;) {
    let key: string;
    let value: number | boolean | string;
    [key, i] = readEscaped(line, i, ',= ', ', ="');
    i = consume(line, i, '=');
    [value, i] = readFieldValue(line, i);
    if (key === '' || fields.has(key)) throw new Error(`empty or duplicate field key ${JSON.stringify(key)}`);
    fields.set(key, value);
    if (line[i] !== ',') break;
    i++;
  }
  i = consume(line, i, ' ');
  const timestamp = line.slice(i);
  if (!/^-?\d+$/.test(timestamp)) throw new Error(`bad timestamp ${JSON.stringify(timestamp)}`);
  return { measurement, tags: Object.fromEntries(tags), fields: Object.fromEntries(fields), timestamp };
}
