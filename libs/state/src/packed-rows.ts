/**
 * Many rows as a few text parameters, for statements that write thousands of rows at a
 * time (rule states, commands). PostgreSQL splits each with `string_to_array` and zips them
 * with `unnest`: upserting 5,000 rule states costs PostgreSQL
 * ≈ 180 ms as one jsonb document (`jsonb_to_recordset`), ≈ 110 ms as one json document and
 * ≈ 50 ms as split text; 50,000 command rows 2.9 s as jsonb, 1.1–1.6 s split. On the Node
 * side it is one `join`, where a pg text array escapes every quote of every element.
 *
 * The separator is U+001E (record separator): JSON text never holds a raw control character
 * (RFC 8259 §7 escapes U+0000–U+001F), and the ids written this way are pattern-constrained
 * (libs/contracts/src/ids.ts), so it cannot occur inside a value. An empty field is NULL.
 */
export const FIELD_SEPARATOR = '\u001e';

/** `string_to_array` of one packed parameter, with '' read as NULL. */
export function unpacked(param: string): string {
  return `string_to_array(${param}, E'\\x1e', '')`;
}

/** Ids (or any text without the separator), one field each; null and undefined are NULL. */
export function packText(values: ReadonlyArray<string | null | undefined>): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && v.includes(FIELD_SEPARATOR)) throw new Error(`packText: value ${JSON.stringify(v)} holds the field separator`);
    out += (i ? FIELD_SEPARATOR : '') + (v ?? '');
  }
  return out;
}

/** JSON documents, one field each; null and undefined are NULL (not JSON null). */
export function packJson(values: ReadonlyArray<unknown>): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (i ? FIELD_SEPARATOR : '') + (v === null || v === undefined ? '' : JSON.stringify(v));
  }
  return out;
}
