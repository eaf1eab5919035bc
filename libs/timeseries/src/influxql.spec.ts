import { describe, expect, it } from 'vitest';
import { influxIdent, influxString } from './influxql';

describe('influxIdent', () => {
  it('double-quotes a name and escapes backslash, double quote and newline', () => {
    expect(influxIdent('lamp')).toBe('"lamp"');
    expect(influxIdent('a "b" \\c\nd')).toBe('"a \\"b\\" \\\\c\\nd"');
  });

  it("leaves single quotes alone, which InfluxQL's scanner would also accept escaped", () => {
    expect(influxIdent("it's")).toBe(`"it's"`);
  });
});

describe('influxString', () => {
  it('single-quotes a value and escapes backslash, single quote and newline', () => {
    expect(influxString('02408')).toBe("'02408'");
    expect(influxString("l'église \\ \n")).toBe("'l\\'église \\\\ \\n'");
  });

  it('keeps a trailing backslash inside the literal', () => {
    expect(influxString('a\\')).toBe("'a\\\\'");
  });
});

describe('what InfluxQL cannot quote', () => {
  it.each([
    ['a carriage return', 'a\rb'],
    ['a NUL', 'a\0b'],
  ])('refuses %s with RangeError (the scanner reads CR as a newline and NUL as the end)', (_what, text) => {
    expect(() => influxString(text)).toThrow(RangeError);
    expect(() => influxIdent(text)).toThrow(/bound parameter/);
  });

  it('passes tabs and other control characters through, which the scanner reads as they are', () => {
    expect(influxString('a\tb\x01')).toBe("'a\tb\x01'");
  });
});
