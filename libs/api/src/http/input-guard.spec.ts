import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileInputIssues, MAX_INPUT_DEPTH } from './input-guard';

/** The characters no route can take: C0 controls but tab, LF, CR. */
const forbidden = fc.integer({ min: 0, max: 31 }).filter((c) => c !== 9 && c !== 10 && c !== 13).map((c) => String.fromCharCode(c));
const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));
/** Text of well-formed Unicode without those controls (tabs and line breaks allowed). */
const clean = fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''));
const cleanJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, clean, fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(clean, tie('value'), { maxKeys: 4 })),
})).value;

describe('input guard, over generated values (fast-check, fixed seed)', () => {
  const params = { seed: 20261207, numRuns: 300 };

  it('never refuses well-formed JSON without controls, nested less than the limit', () => {
    fc.assert(fc.property(cleanJson, (v) => {
      expect(hostileInputIssues('body', { v })).toEqual([]);
    }), params);
  });

  it('refuses a forbidden character or a lone surrogate wherever it is put, naming that exact path', () => {
    const bad = fc.oneof(forbidden, loneSurrogate);
    fc.assert(
      fc.property(cleanJson, bad, clean, clean, fc.array(fc.oneof(fc.constant('a'), fc.constant(0)), { maxLength: 6 }), (v, b, before, after, path) => {
        let body: unknown = `${before}${b}${after}`;
        for (const step of [...path].reverse()) body = step === 0 ? [body] : { a: body };
        const issues = hostileInputIssues('body', { v, x: body });
        const expected = path.reduce<string>((s, step) => (step === 0 ? `${s}[0]` : `${s}.a`), 'body.x');
        expect(issues.map((i) => i.field)).toContain(expected);
      }),
      params,
    );
  });

  it('refuses a forbidden character in a key, naming the key under its object', () => {
    fc.assert(
      fc.property(forbidden, clean, (b, name) => {
        expect(hostileInputIssues('query', { [`${name}${b}`]: 'x' }).map((i) => i.field)).toEqual([`query.${name}${b}`]);
      }),
      params,
    );
  });

  it(`refuses nesting deeper than ${MAX_INPUT_DEPTH} levels, whatever the mix of objects and arrays`, () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: MAX_INPUT_DEPTH + 1, maxLength: 200 }), (kinds) => {
        let v: unknown = 1;
        for (const k of kinds) v = k ? [v] : { k: v };
        expect(hostileInputIssues('body', v)).toHaveLength(1);
      }),
      params,
    );
  });
});
