/**
 * A dataset as CSV (RFC 4180: comma-separated, CRLF line ends, a field holding a comma, a
 * quote or a line break quoted, quotes doubled), header first, in the row schema's column
 * order. An absent value is an empty field.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let s = String(value);
  // A text beginning with = + - @ is a formula to a spreadsheet (names come from the
  // registry, typed by people): quoted behind an apostrophe, as OWASP advises for CSV exports.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
