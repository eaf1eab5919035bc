import type { Point } from '@hv/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendFieldsOf, REPLACEMENT, serializePoint, serializePoints } from './line-protocol';
import { plainFieldsOf, plainPoint } from './testing/line-protocol.plain';
import { isVerbatim, parseLine, storedName, storedString } from './testing/line-protocol.reference';
import { InvalidPointError } from './timeseries.errors';

const R = REPLACEMENT;
const point = (p: Partial<Point>): Point => ({ measurement: 'm', tags: {}, fields: { v: 1 }, timestampMs: 1000, ...p });
const line = (p: Partial<Point>): string => serializePoint(point(p));

describe('serializePoint: structure', () => {
  it('writes measurement, sorted tags, fields and the ms timestamp', () => {
    expect(line({ tags: { tenant: '02408', device: 'lamp-1' }, fields: { power: 42.5, on: true } })).toBe(
      'm,device=lamp-1,tenant=02408 power=42.5,on=true 1000',
    );
  });

  it('drops tags whose value is empty, since InfluxDB has no empty tag', () => {
    expect(line({ tags: { a: '', b: 'x' } })).toBe('m,b=x v=1 1000');
  });

  it('writes numbers as floats (no i suffix), so a field never changes type', () => {
    expect(line({ fields: { a: 42, b: -0.25, c: 1e21, d: 5e-324, e: 0 } })).toBe('m a=42,b=-0.25,c=1e+21,d=5e-324,e=0 1000');
  });

  it('writes booleans as true/false and strings double-quoted', () => {
    expect(line({ fields: { t: true, f: false, s: 'hello world' } })).toBe('m t=true,f=false,s="hello world" 1000');
  });

  it('accepts negative timestamps (before 1970)', () => {
    expect(line({ timestampMs: -1 })).toBe('m v=1 -1');
  });

  it('serializePoints ends every line with a newline and gives "" for no points', () => {
    expect(serializePoints([point({}), point({ timestampMs: 2000 })])).toBe('m v=1 1000\nm v=1 2000\n');
    expect(serializePoints([])).toBe('');
  });
});

describe('serializePoint: escaping', () => {
  it('escapes comma and space in measurements but leaves = alone', () => {
    expect(line({ measurement: 'my m,x=y' })).toBe('my\\ m\\,x=y v=1 1000');
  });

  it('escapes comma, equals and space in tag keys, tag values and field keys', () => {
    expect(line({ tags: { 'k,=k ': 'a,b=c d' }, fields: { 'f,=f ': 1 } })).toBe('m,k\\,\\=k\\ =a\\,b\\=c\\ d f\\,\\=f\\ =1 1000');
  });

  it('escapes quotes and backslashes in string fields, including a trailing backslash', () => {
    expect(line({ fields: { s: 'say "hi" \\o/ \\' } })).toBe('m s="say \\"hi\\" \\\\o/ \\\\" 1000');
  });

  it('keeps quotes in names as they are (1.6 stores them verbatim)', () => {
    expect(line({ measurement: 'a"b', tags: { t: '"x"' }, fields: { 'f"': 1 } })).toBe('a"b,t="x" f"=1 1000');
  });

  it('keeps a backslash inside a name that InfluxDB reads literally', () => {
    expect(line({ tags: { t: 'C:\\dir\\x' } })).toBe('m,t=C:\\dir\\x v=1 1000');
  });

  it('replaces a trailing backslash in a name, which InfluxDB 1.6 rejects ("invalid tag format")', () => {
    expect(line({ measurement: 'm\\', tags: { 'k\\': 'v\\' }, fields: { 'f\\': 1 } })).toBe(`m${R},k${R}=v${R} f${R}=1 1000`);
  });

  it('replaces a backslash before , space = or " in a name, where 1.6 has no way to escape it', () => {
    expect(line({ tags: { t: 'a\\,b\\ c\\=d\\"e' } })).toBe(`m,t=a${R}\\,b${R}\\ c${R}\\=d${R}"e v=1 1000`);
    expect(line({ fields: { 'a\\"b': 1 } })).toBe(`m a${R}"b=1 1000`);
  });

  it('replaces newlines, carriage returns, tabs, NUL, DEL and C1 controls everywhere', () => {
    const nasty = 'a\nb\rc\td\0e\x7ff\x85g';
    const replaced = `a${R}b${R}c${R}d${R}e${R}f${R}g`;
    expect(line({ measurement: nasty, tags: { [nasty]: nasty }, fields: { [nasty]: nasty } })).toBe(
      `${replaced},${replaced}=${replaced} ${replaced}="${replaced}" 1000`,
    );
  });

  it('keeps accents, emoji and other astral characters', () => {
    expect(line({ measurement: 'éclairage', tags: { lieu: 'Saint-Étienne 🏙️' }, fields: { note: '𝄞 ok' } })).toBe(
      'éclairage,lieu=Saint-Étienne\\ 🏙️ note="𝄞 ok" 1000',
    );
  });

  it('replaces lone surrogates (as a UTF-8 encoder would) and keeps valid pairs', () => {
    expect(line({ tags: { t: 'a\ud800b\udc00c😀' }, fields: { s: '\udbff' } })).toBe(`m,t=a${R}b${R}c😀 s="${R}" 1000`);
  });

  it('allows # inside a measurement and anywhere in tags', () => {
    expect(line({ measurement: 'a#b', tags: { '#k': '#v' } })).toBe('a#b,#k=#v v=1 1000');
  });
});

describe('serializePoint: points InfluxDB cannot store', () => {
  const invalid: Array<[string, Partial<Point>]> = [
    ['a measurement starting with # (a comment line, silently ignored by InfluxDB)', { measurement: '#m' }],
    ['an empty measurement', { measurement: '' }],
    ['NaN', { fields: { v: Number.NaN } }],
    ['Infinity', { fields: { v: Number.POSITIVE_INFINITY } }],
    ['-Infinity', { fields: { v: Number.NEGATIVE_INFINITY } }],
    ['a "time" tag key', { tags: { time: 'x' } }],
    ['a "time" field key', { fields: { time: 1 } }],
    ['no field', { fields: {} }],
    ['an empty field key', { fields: { '': 1 } }],
    ['an empty tag key', { tags: { '': 'x' } }],
    ['a non-string tag value', { tags: { t: 1 as unknown as string } }],
    ['a null field', { fields: { v: null as unknown as number } }],
    ['a fractional timestamp', { timestampMs: 1.5 }],
    ['a timestamp past year 2262', { timestampMs: 9_223_372_036_855 }],
    ['a timestamp before 1677', { timestampMs: -9_223_372_036_855 }],
    // Regression: both keys became `k\uFFFD`, and InfluxDB rejected the line ("duplicate tags").
    ['two tag keys that differ only in replaced characters', { tags: { 'k\n': 'a', 'k\r': 'b' } }],
    // Regression: InfluxDB kept only the last of the two fields, without a word.
    ['two field keys that differ only in replaced characters', { fields: { 'k\\': 1, 'k\t': 2 } }],
  ];
  it.each(invalid)('refuses %s with InvalidPointError', (_what, p) => {
    expect(() => line(p)).toThrow(InvalidPointError);
  });

  it('names the measurement in the error', () => {
    expect(() => line({ measurement: 'lamp', fields: { v: Number.NaN } })).toThrow(/measurement "lamp"/);
  });

  it('accepts the widest timestamps InfluxDB stores', () => {
    expect(line({ timestampMs: 9_223_372_036_854 })).toBe('m v=1 9223372036854');
    expect(line({ timestampMs: -9_223_372_036_854 })).toBe('m v=1 -9223372036854');
  });

  it('accepts a key that holds U+FFFD itself when no other key collapses onto it', () => {
    // Sorted by the keys as given ('k\n\n' < 'k\uFFFD'); InfluxDB re-sorts the escaped keys anyway.
    expect(line({ tags: { [`k${R}`]: 'a', 'k\n\n': 'b' } })).toBe(`m,k${R}${R}=b,k${R}=a v=1 1000`);
  });
});

/** Any UTF-16 text, weighted towards what breaks line protocol. */
const nastyUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(',', '=', ' ', '"', "'", '\\', '\n', '\r', '\t', '\0', '#', '\x7f', '\x85', 'é', '😀', '\ud800', '\udfff', R) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const text = (minLength = 0): fc.Arbitrary<string> => fc.string({ unit: nastyUnit, minLength, maxLength: 12 });
const fieldKey = text(1).filter((k) => k !== 'time');
const measurement = text(1).filter((m) => !m.startsWith('#'));

describe('serializePoint: properties over arbitrary unicode', () => {
  it('always gives exactly one line, whatever the tag values, field keys and strings', () => {
    fc.assert(
      fc.property(measurement, text(1), fieldKey, text(), (m, tagValue, key, value) => {
        const out = line({ measurement: m, tags: { t: tagValue }, fields: { [key]: value, n: 1 } });
        expect(out).not.toMatch(/[\r\n]/);
        expect(serializePoints([point({ measurement: m, tags: { t: tagValue } })]).split('\n')).toHaveLength(2);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back exactly what was written when nothing needs replacing', () => {
    const verbatimName = text(1).filter((s) => isVerbatim(s, 'name'));
    fc.assert(
      fc.property(
        verbatimName.filter((m) => !m.startsWith('#')),
        verbatimName,
        verbatimName,
        verbatimName.filter((k) => k !== 'time' && k !== 'n'),
        text().filter((s) => isVerbatim(s, 'string')),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (m, tagKey, tagValue, key, value, n) => {
          fc.pre(tagKey !== 'time');
          const parsed = parseLine(line({ measurement: m, tags: { [tagKey]: tagValue }, fields: { [key]: value, n } }));
          expect(parsed).toEqual({
            measurement: m,
            tags: { [tagKey]: tagValue },
            fields: { [key]: value, n: Object.is(n, -0) ? 0 : n },
            timestamp: '1000',
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back the documented replacements (U+FFFD) and nothing else for any input', () => {
    fc.assert(
      fc.property(measurement, text(1), text(1), fieldKey, text(), (m, tagKey, tagValue, key, value) => {
        fc.pre(tagKey !== 'time' && storedName(key) !== 'n');
        const parsed = parseLine(line({ measurement: m, tags: { [tagKey]: tagValue }, fields: { [key]: value, n: 1 } }));
        expect(parsed).toEqual({
          measurement: storedName(m),
          tags: { [storedName(tagKey)]: storedName(tagValue) },
          fields: { [storedName(key)]: storedString(value), n: 1 },
          timestamp: '1000',
        });
      }),
      { numRuns: 2000 },
    );
  });
});

/** The line, or the class and message of what was thrown instead. */
const outcome = (write: () => string): string => {
  try {
    return write();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};

/** Numbers as readings carry them (decimals of a few places), and the ones that print oddly. */
const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.tuple(fc.integer({ min: -2e9, max: 2e9 }), fc.constantFrom(1, 10, 100, 1_000, 10_000, 1e6)).map(([n, d]) => n / d),
  fc.tuple(fc.double({ min: -1e10, max: 1e10, noNaN: true }), fc.integer({ min: 0, max: 4 })).map(([x, places]) => Math.round(x * 10 ** places) / 10 ** places),
  fc.constantFrom(-0, 0.1, 0.001, 0.0005, 1e-7, 1e21, 1e-21, 5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 999_999_999.999, -999_999_999.999, 1e9 - 0.5, 1e9 + 0.5, 0.1 + 0.2, 2 ** 53 + 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const anyValue = fc.oneof(
  { weight: 4, arbitrary: anyNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: text() },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, {}, [], 'say "hi" \\o/ \\', 'line\nbreak') },
);
/** Any timestamp InfluxDB stores, whole ms (fc.integer stops at 32 bits). */
const anyStoredTs = fc.maxSafeInteger().map((n) => n % 9_223_372_036_855);
const anyKey = fc.oneof(fc.constantFrom('v', 'ts', 'power_w', 'level_pct', 'time', '', 'a b', 'x=y', 'c,d', 'e\\', 'q"', 'k\n', 'k\r', `k${R}`), text(1));
const anyFields = fc.dictionary(anyKey, anyValue, { maxKeys: 10 });

describe('serializer shortcuts: the same bytes and errors as the plain serialiser (testing/line-protocol.plain)', () => {
  it('serializePoint and serializePoints, for any measurement, tags, fields and timestamp', () => {
    const anyTags = fc.dictionary(anyKey, fc.oneof({ weight: 5, arbitrary: text() }, { weight: 1, arbitrary: fc.constant(1 as unknown as string) }), { maxKeys: 4 });
    const anyMeasurement = fc.oneof(fc.constantFrom('lighting_controller', '#m', ''), text(1));
    const anyTs = fc.oneof(fc.integer(), fc.maxSafeInteger(), anyStoredTs, fc.double(), fc.constantFrom(9_223_372_036_854, 9_223_372_036_855, -9_223_372_036_855, 999_999, 1_000_000));
    fc.assert(
      fc.property(anyMeasurement, anyTags, anyFields, anyTs, (measurement, tags, fields, timestampMs) => {
        const p: Point = { measurement, tags, fields: fields as Point['fields'], timestampMs };
        const expected = outcome(() => plainPoint(p));
        // Twice: the second time the field keys come from the cache.
        expect(outcome(() => serializePoint(p))).toBe(expected);
        expect(outcome(() => serializePoint(p))).toBe(expected);
        expect(outcome(() => serializePoints([p, p]))).toBe(expected.startsWith('InvalidPointError: ') ? expected : `${expected}\n${expected}\n`);
      }),
      { numRuns: 3_000 },
    );
  });

  it('appendFieldsOf, for any payload, onto nothing or a line', () => {
    fc.assert(
      fc.property(anyFields, text(), fc.constantFrom('ts', 'v', ''), (payload, line, skip) => {
        const expected = outcome(() => plainFieldsOf(payload, skip, 'm'));
        expect(outcome(() => appendFieldsOf('', payload, skip, 'm'))).toBe(expected);
        expect(outcome(() => appendFieldsOf('', payload, skip, 'm'))).toBe(expected);
        expect(outcome(() => appendFieldsOf(line, payload, skip, 'm'))).toBe(expected.startsWith('InvalidPointError: ') ? expected : line + expected);
      }),
      { numRuns: 3_000 },
    );
  });

  it("writes every number as '' + value does", () => {
    fc.assert(
      fc.property(anyNumber, (n) => {
        fc.pre(Number.isFinite(n));
        expect(appendFieldsOf('', { v: n }, 'ts', 'm')).toBe(`v=${'' + n}`);
      }),
      { numRuns: 20_000 },
    );
    // Every decimal of up to four places in a stretch, both signs, and the largest ones written the short way.
    for (let i = -30_000; i <= 30_000; i++) {
      for (const n of [i / 10_000, i / 1_000 + 123_456, 999_999_000 + i / 1_000]) expect(appendFieldsOf('', { v: n }, 'ts', 'm')).toBe(`v=${'' + n}`);
    }
  }, 30_000);

  it("writes every timestamp InfluxDB stores as '' + timestampMs does", () => {
    const line = (timestampMs: number) => serializePoint(point({ timestampMs }));
    fc.assert(
      fc.property(anyStoredTs, (ts) => {
        expect(line(ts)).toBe(`m v=1 ${'' + ts}`);
      }),
      { numRuns: 20_000 },
    );
    // Around every power of ten, a stretch of today's timestamps, and the edges of the range.
    for (let p = 1; p <= 9_223_372_036_854; p *= 10) for (const ts of [p - 1, p, p + 1]) expect(line(ts)).toBe(`m v=1 ${ts}`);
    for (let ts = Date.UTC(2026, 10, 23) - 2_000_000; ts < Date.UTC(2026, 10, 23) + 2_000_000; ts += 997) expect(line(ts)).toBe(`m v=1 ${'' + ts}`);
    for (const ts of [1_000_000, 1_000_001, 1_999_999, 9_223_372_036_854, 9_223_372_000_000, 9_223_371_999_999]) expect(line(ts)).toBe(`m v=1 ${'' + ts}`);
  });

  it('keeps writing the same keys once more keys have come than the key cache holds', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3_000; i++) {
        const payload = { [`k ${i}`]: i / 10, [`f${i % 7}`]: true, [`${'x'.repeat(70)},${i}`]: 'long key' };
        expect(appendFieldsOf('', payload, 'ts', 'm')).toBe(plainFieldsOf(payload, 'ts', 'm'));
      }
    }
  });
});
