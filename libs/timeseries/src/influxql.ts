/**
 * InfluxQL text helpers and the shape /query answers are turned into.
 *
 * InfluxQL reads quoted identifiers ("...") and string literals ('...') with the same
 * scanner (influxql/scanner.go ScanString): `\\`, `\"`, `\'` and `\n` are its only escapes,
 * any other backslash is an error, and a raw newline ends the string ("bad string"). Its
 * reader also turns a raw CR into a newline and stops at a NUL (its end-of-input rune), and
 * no escape stands for either: InfluxDB 1.6 answers "error parsing query" to both. Such text
 * can only travel as a bound parameter (`$name`), which is JSON, not InfluxQL.
 */

/** One row of a series: column name → value (`time` in Unix ms, `null` where a field is absent). */
export type Row = Record<string, unknown>;

export interface Series<T = Row> {
  /** Measurement name. */
  name: string;
  /** Group-by tags of the series; a tag the series does not carry comes back as `''`. */
  tags: Record<string, string>;
  columns: string[];
  rows: T[];
}

/** A series as /query answers it: one array of values per row, in `columns`' order (no object per row). */
export interface ColumnSeries {
  name: string;
  tags: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** One statement's answer: its series, flattened from InfluxDB's `columns` + `values` arrays. */
export interface QueryResult<T = Row> {
  series: Series<T>[];
}

/** Bound parameter values, referenced as `$name` in the query (InfluxDB ≥ 1.2). */
export type QueryParams = Record<string, string | number | boolean>;

function escapeQuoted(s: string, quote: '"' | "'"): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    let replacement: string;
    if (c === '\\') replacement = '\\\\';
    else if (c === quote) replacement = '\\' + quote;
    else if (c === '\n') replacement = '\\n';
    else if (c === '\r' || c === '\0') {
      throw new RangeError(`InfluxQL cannot quote ${c === '\r' ? 'a carriage return' : 'a NUL'}: pass ${JSON.stringify(s)} as a bound parameter`);
    } else continue;
    out += s.slice(start, i) + replacement;
    start = i + 1;
  }
  return quote + out + s.slice(start) + quote;
}

/** A double-quoted InfluxQL identifier (database, retention policy, measurement, tag or field key). RangeError for CR or NUL. */
export function influxIdent(name: string): string {
  return escapeQuoted(name, '"');
}

/** A single-quoted InfluxQL string literal (tag value, string field value). RangeError for CR or NUL: prefer bound params. */
export function influxString(value: string): string {
  return escapeQuoted(value, "'");
}
