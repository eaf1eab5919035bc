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

  it('a missing body is named as the body', () => {
    expect(() => parseInput(route, { params: { thing: 'a' }, query: {} })).toThrow(/body: /);
  });
});
