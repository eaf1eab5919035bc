import type { FieldIssue } from '../http/api.errors';

/** Columns a device import may have; `id` and `type` are required. */
export const CSV_COLUMNS = ['id', 'type', 'devEui', 'credential', 'name', 'cabinet', 'building', 'rated_power_w', 'lat', 'lon'] as const;
const NUMERIC = new Set(['rated_power_w', 'lat', 'lon']);
/**
 * An import is one transaction. Each device that logs in gets a password hashed with
 * scrypt at the production cost (tens of ms, on libuv's 4 threads, which file I/O shares
 * with ingest's spool in the all-in-one app): 1,000 is ≈ 15 s of that pool. Split larger files.
 */
export const MAX_CSV_ROWS = 1_000;

export interface CsvDevice {
  /** 1-based line of the file, as an editor shows it. */
  line: number;
  input: { id?: string; type?: string; devEui?: string; attributes: Record<string, unknown> };
  /** Issue a credential (the device logs in itself); by default, devices without a DevEUI do. */
  credential: boolean;
}

/**
 * RFC 4180 records: fields separated by commas, optionally double-quoted (a quote inside
 * doubled), records by CRLF or LF. Returns each record with the line it starts on.
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM, as spreadsheets write it
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
      fields = [];
      field = '';
      start = ++line;
    } else field += c;
  }
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
  return records;
}

/** The file's devices, or the issues of every bad line (`line 3: devEui`), nothing imported then. */
export function readDeviceCsv(text: string): { devices: CsvDevice[]; issues: FieldIssue[] } {
  const records = parseCsv(text);
  const issues: FieldIssue[] = [];
  const header = records.shift();
  if (!header) return { devices: [], issues: [{ field: 'body', message: 'the file is empty (expected a header line: id,type,…)' }] };
  const columns = header.fields.map((f) => f.trim());
  columns.forEach((c, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) issues.push({ field: `line ${header.line}: column ${i + 1}`, message: `unknown column "${c}" (columns: ${CSV_COLUMNS.join(', ')})` });
    else if (columns.indexOf(c) !== i) issues.push({ field: `line ${header.line}: column ${i + 1}`, message: `column "${c}" repeats` });
  });
  for (const required of ['id', 'type']) if (!columns.includes(required)) issues.push({ field: `line ${header.line}`, message: `the header has no "${required}" column` });
  if (records.length > MAX_CSV_ROWS) issues.push({ field: 'body', message: `at most ${MAX_CSV_ROWS} devices per import (this file has ${records.length})` });
  if (issues.length) return { devices: [], issues };

  const devices: CsvDevice[] = [];
  for (const record of records) {
    if (record.fields.length !== columns.length) {
      issues.push({ field: `line ${record.line}`, message: `${record.fields.length} fields, the header has ${columns.length}` });
      continue;
    }
    const device: CsvDevice = { line: record.line, input: { attributes: {} }, credential: true };
    let credential: boolean | undefined;
    columns.forEach((column, i) => {
      const value = record.fields[i]!.trim();
      if (value === '') return;
      if (column === 'id' || column === 'type' || column === 'devEui') device.input[column] = value;
      else if (column === 'credential') {
        if (value === 'yes' || value === 'no') credential = value === 'yes';
        else issues.push({ field: `line ${record.line}: credential`, message: `must be yes or no, not "${value}"` });
      } else if (NUMERIC.has(column)) {
        const n = Number(value);
        if (Number.isFinite(n)) device.input.attributes[column] = n;
        else issues.push({ field: `line ${record.line}: ${column}`, message: `must be a number, not "${value}"` });
      } else device.input.attributes[column] = value;
    });
    device.credential = credential ?? device.input.devEui === undefined;
    devices.push(device);
  }
  return { devices, issues };
}
