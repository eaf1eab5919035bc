import { describe, expect, it } from 'vitest';
import { FIELD_SEPARATOR, packJson, packText } from './packed-rows';

describe('packed rows', () => {
  it('joins one field per value, null and undefined as empty fields (NULL for string_to_array)', () => {
    expect(packText(['a', null, 'b', undefined])).toBe(['a', '', 'b', ''].join(FIELD_SEPARATOR));
    expect(packText([])).toBe('');
  });

  it('keeps JSON documents whole: a separator inside a string value is escaped by JSON itself', () => {
    const packed = packJson([{ s: `x${FIELD_SEPARATOR}y` }, null, [1, 2]]);
    const fields = packed.split(FIELD_SEPARATOR);
    expect(fields).toHaveLength(3);
    expect(JSON.parse(fields[0]!)).toEqual({ s: `x${FIELD_SEPARATOR}y` });
    expect(fields[1]).toBe('');
    expect(JSON.parse(fields[2]!)).toEqual([1, 2]);
  });

  it('refuses a text value that holds the separator rather than shifting every column after it', () => {
    expect(() => packText(['ok', `bad${FIELD_SEPARATOR}id`])).toThrow(/field separator/);
  });

});
