import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RequestValidationError } from './api.errors';
import { defineRoute, parseInput } from './route';

const route = defineRoute({
  method: 'POST',
  path: 'things/:thing',
  summary: 'test',
  tag: 'test',
  access: 'tenant',
  params: z.object({ thing: z.string().regex(/^[a-z]+$/) }),
  query: z.object({ limit: z.coerce.number().int().max(10).default(5) }),
  body: z.strictObject({ items: z.array(z.object({ at: z.string().regex(/^\d\d:\d\d$/) })) }),
});

describe('parseInput', () => {
  it('parses params, query (coerced, defaults) and body', () => {
    expect(parseInput(route, { params: { thing: 'abc' }, query: {}, body: { items: [{ at: '23:00' }] } })).toEqual({
      params: { thing: 'abc' },
      query: { limit: 5 },
      body: { items: [{ at: '23:00' }] },
    });
  });

  it('names every bad field of every part, as a client would write its path', () => {
    try {
      parseInput(route, { params: { thing: 'A1' }, query: { limit: 'many' }, body: { items: [{ at: '23:00' }, { at: '2300' }], extra: 1 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).issues.map((i) => i.field)).toEqual(['params.thing', 'query.limit', 'body.items[1].at', 'body']);
    }
  });

  it('a field that breaks two rules is named once, with both messages', () => {
    const twice = defineRoute({ method: 'GET', path: 'x', summary: 't', tag: 't', access: 'tenant', query: z.object({ n: z.string().min(5, 'too short').regex(/^[a-z]+$/, 'lower-case letters only') }) });
    try {
      parseInput(twice, { query: { n: 'A1' } });
      expect.unreachable();
    } catch (error) {
      const issues = (error as RequestValidationError).issues;
      expect(issues.map((i) => i.field)).toEqual(['query.n']);
      expect(issues[0]!.message).toBe('too short; lower-case letters only');
    }
  });

  it('a missing body is named as the body', () => {
    expect(() => parseInput(route, { params: { thing: 'a' }, query: {} })).toThrow(/body: /);
  });
});

describe('what no route can serve, refused at the boundary whatever the schema accepts', () => {
  const free = defineRoute({
    method: 'PATCH',
    path: 'things/:thing',
    summary: 'test',
    tag: 'test',
    access: 'tenant',
    params: z.object({ thing: z.string() }),
    query: z.object({ q: z.string().optional() }),
    body: z.object({ attributes: z.record(z.string(), z.unknown()) }),
  });
  const fieldsOf = (request: { params?: unknown; query?: unknown; body?: unknown }) => {
    try {
      parseInput(free, { params: { thing: 'a' }, query: {}, body: { attributes: {} }, ...request });
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(RequestValidationError);
      return (error as RequestValidationError).issues.map((i) => i.field);
    }
  };
  const controls = [...Array.from({ length: 32 }, (_, c) => c).filter((c) => ![9, 10, 13].includes(c)).map((c) => String.fromCharCode(c))];

  it.each(controls.map((c) => [c.charCodeAt(0), c]))('U+%i anywhere (params, query, nested values, keys) is named by its path', (_code, c) => {
    expect(fieldsOf({ params: { thing: `a${c}b` } })).toEqual(['params.thing']);
    expect(fieldsOf({ query: { q: `${c}` } })).toEqual(['query.q']);
    expect(fieldsOf({ body: { attributes: { name: `Lampe${c}`, ok: 'x' } } })).toEqual(['body.attributes.name']);
    expect(fieldsOf({ body: { attributes: { list: [{ deep: ['ok', `x${c}`] }] } } })).toEqual(['body.attributes.list[0].deep[1]']);
    expect(fieldsOf({ body: { attributes: { [`k${c}`]: 1 } } })).toEqual([`body.attributes.k${c}`]);
  });

  it('lone surrogates are refused, paired ones (emoji) and tab, newline, CR kept', () => {
    for (const s of ['\ud800', 'a\udc00', '\udbff\udbff\udfff'.slice(0, 2), 'x\ud83d']) expect(fieldsOf({ body: { attributes: { name: s } } }), JSON.stringify(s)).toEqual(['body.attributes.name']);
    expect(fieldsOf({ body: { attributes: { name: 'Lampe 💡 rue\tdu\r\nPont', 'clé': 'été' } } })).toEqual([]);
  });

  it('nesting deeper than the limit is refused (not a stack overflow at 100,000 levels)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(fieldsOf({ body: { attributes: { deep } } })[0]).toMatch(/^body\.attributes\.deep(\[0\])+$/);
    let fine: unknown = 'x';
    for (let i = 0; i < 10; i++) fine = { a: fine };
    expect(fieldsOf({ body: { attributes: { fine } } })).toEqual([]);
  });

  it('a route without a body schema ignores the body it is sent', () => {
    const bare = defineRoute({ method: 'POST', path: 'x', summary: 't', tag: 't', access: 'tenant' });
    expect(parseInput(bare, { body: { a: '\u0000' } })).toEqual({ params: undefined, query: undefined, body: undefined });
  });
});
