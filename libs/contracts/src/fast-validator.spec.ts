import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uplinkSchema } from './contract';
import { DEVICE_TYPE_NAMES, UPLINK_CHANNELS } from './domains';
import { compileValidator } from './fast-validator';

/** Every uplink schema of the contract, once each, under the (type, channel) pairs that use it. */
const UPLINK = (() => {
  const byschema = new Map<z.ZodType, string[]>();
  for (const type of DEVICE_TYPE_NAMES) {
    for (const channel of UPLINK_CHANNELS) {
      const schema = uplinkSchema(type, channel);
      byschema.set(schema, [...(byschema.get(schema) ?? []), `${type}/${channel}`]);
    }
  }
  return [...byschema].map(([schema, pairs]) => ({ name: pairs[0], pairs, schema, fast: compileValidator(schema) }));
})();

/**
 * Bodies valid for a schema, generated from its own definition (bounds, formats, enum and
 * literal values, optional keys), independently of the compiler. Refinements are ignored.
 */
function validOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string; checks?: z.ZodType[] };
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const required = Object.keys(shape).filter((k) => (shape[k]._zod.def.type as string) !== 'optional');
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, validOf(s)])), { requiredKeys: required });
    }
    case 'optional':
      return validOf(def.innerType as z.ZodType);
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map(validOf));
    case 'boolean':
      return fc.boolean();
    case 'enum':
    case 'literal':
      return fc.constantFrom(...schema._zod.values!);
    case 'string': {
      const regex = def.checks?.map((c) => c._zod.def as unknown as { pattern?: RegExp }).find((c) => c.pattern)?.pattern;
      return regex ? fc.stringMatching(regex) : fc.string();
    }
    case 'number': {
      let min = -Number.MAX_VALUE;
      let max = Number.MAX_VALUE;
      let minExcluded = false;
      let maxExcluded = false;
      let int = false;
      for (const c of def.checks ?? []) {
        const d = c._zod.def as unknown as { check: string; value: number; inclusive: boolean; format?: string };
        if (d.check === 'greater_than') [min, minExcluded] = [d.value, !d.inclusive];
        else if (d.check === 'less_than') [max, maxExcluded] = [d.value, !d.inclusive];
        else if (d.check === 'number_format' && d.format === 'safeint') int = true;
        else throw new Error(`no generator for check ${d.check}`);
      }
      if (!int) return fc.double({ min, max, minExcluded, maxExcluded, noNaN: true });
      const lo = Math.max(Number.MIN_SAFE_INTEGER, minExcluded ? Math.floor(min) + 1 : Math.ceil(min));
      const hi = Math.min(Number.MAX_SAFE_INTEGER, maxExcluded ? Math.ceil(max) - 1 : Math.floor(max));
      return fc.oneof(fc.constantFrom(lo, hi), fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number));
    }
    default:
      throw new Error(`no generator for ${def.type}`);
  }
}

/** Values no uplink field should take, or should take only at its edges. */
const ODD: unknown[] = [
  NaN, Infinity, -Infinity, -0, 0, 0.5, -1, 1e-300, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, 2 ** 32, 2 ** 32 - 1,
  100.00000000000001, 5_000.000000000001, '12', '', 'true', true, false, null, undefined, [], [1], {}, { ts: 1 },
  'fault_raised', 'presence', 'boot', 'ok', Number.MIN_VALUE, -Number.MIN_VALUE,
];

type Mutation = { kind: 'drop' | 'add' | 'set' | 'nudge' | 'whole'; at: number; odd: unknown; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('drop', 'add', 'set', 'nudge', 'whole'),
  at: fc.nat(),
  odd: fc.oneof({ arbitrary: fc.constantFrom(...ODD), weight: 6 }, fc.double(), fc.integer(), fc.string(), fc.object({ maxDepth: 1 })),
  key: fc.constantFrom('extra', 'ts', '__proto__', 'constructor', 'level_pct', 'event', 'on'),
});

/** A body broken in one way: a key dropped or added, a value replaced, a number pushed past its bound, or the whole body replaced. */
function mutate(body: unknown, m: Mutation): unknown {
  if (m.kind === 'whole' || typeof body !== 'object' || body === null) return m.odd;
  const copy = { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys[m.at % Math.max(1, keys.length)];
  switch (m.kind) {
    case 'drop':
      delete copy[key];
      return copy;
    case 'add':
      // An own key, __proto__ included, as JSON.parse would make it.
      return Object.defineProperty(copy, m.key, { value: m.odd, enumerable: true, writable: true, configurable: true });
    case 'set':
      copy[key] = m.odd;
      return copy;
    case 'nudge': {
      const v = copy[key];
      if (typeof v === 'number') copy[key] = m.at % 2 ? v + Math.max(Math.abs(v) * Number.EPSILON, Number.MIN_VALUE) : v - 1e-9;
      return copy;
    }
  }
}

/** What the equivalence guarantees: compiled-valid implies zod-valid, with the same data. */
function expectEquivalent(schema: z.ZodType, fast: (body: unknown) => unknown, body: unknown): { fast: boolean; zod: boolean } {
  const out = fast(body);
  const parsed = schema.safeParse(body);
  if (out !== undefined) {
    expect(parsed.success).toBe(true);
    expect(out).toStrictEqual(parsed.data);
    expect(JSON.stringify(out)).toBe(JSON.stringify(parsed.data));
    expect(Object.keys(out as object)).toEqual(Object.keys(parsed.data as object));
  }
  return { fast: out !== undefined, zod: parsed.success };
}

describe('compileValidator over the device contract', () => {
  it('compiles every uplink schema but the refined telemetry', () => {
    const compiled = UPLINK.filter((u) => u.fast).flatMap((u) => u.pairs);
    const refused = UPLINK.filter((u) => !u.fast).flatMap((u) => u.pairs);
    expect(refused.sort()).toEqual(['air-station/telemetry', 'car-park/telemetry']);
    for (const type of DEVICE_TYPE_NAMES.filter((t) => t !== 'air-station' && t !== 'car-park')) {
      expect(compiled).toContain(`${type}/telemetry`);
    }
    expect(compiled).toHaveLength(DEVICE_TYPE_NAMES.length * UPLINK_CHANNELS.length - 2);
  });

  const every = fc.constantFrom(...UPLINK);

  it.each(UPLINK.map((u) => [u.name, u] as const))('%s: accepts every valid body, as zod does, with the same data', (_, u) => {
    fc.assert(
      fc.property(validOf(u.schema), (body) => {
        const { fast, zod } = expectEquivalent(u.schema, u.fast ?? (() => undefined), body);
        // The generator ignores refinements: only a schema without one must accept them all.
        if (u.fast) {
          expect(zod).toBe(true);
          expect(fast).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each(UPLINK.filter((u) => u.fast).map((u) => [u.name, u] as const))('%s: a mutated body is accepted only as zod accepts it', (_, u) => {
    const fast = u.fast!;
    // Mostly its own bodies, and those of every schema (a telemetry body as an event).
    const source = fc.oneof({ arbitrary: validOf(u.schema), weight: 3 }, every.chain((other) => validOf(other.schema)));
    const body = fc.tuple(source, mutation, mutation, fc.boolean());
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(body, ([valid, m1, m2, twice]) => {
        const input = twice ? mutate(mutate(valid, m1), m2) : mutate(valid, m1);
        const verdict = expectEquivalent(u.schema, fast, input);
        // Nothing the contract's compiled schemas hold is left to zod: same verdict both ways.
        expect(verdict.fast).toBe(verdict.zod);
        if (verdict.fast) accepted++;
        else refused++;
      }),
      { numRuns: 3000 },
    );
    // The property saw both sides.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('decides the edges of a number as zod does', () => {
    const lc = UPLINK.find((u) => u.pairs.includes('lighting-controller/telemetry'))!;
    const base = { ts: 1_765_000_000_000, seq: 1, on: true, level_pct: 50, power_w: 40, energy_wh: 1 };
    const cases: [Record<string, unknown>, boolean][] = [
      [base, true],
      [{ ...base, level_pct: -0 }, true],
      [{ ...base, level_pct: 100 }, true],
      [{ ...base, level_pct: 100.00000000000001 }, false],
      [{ ...base, level_pct: NaN }, false],
      [{ ...base, energy_wh: Infinity }, false],
      [{ ...base, seq: 1.5 }, false],
      [{ ...base, ts: 2 ** 53 }, false],
      [{ ...base, ts: 2 ** 53 - 1 }, true],
      [{ ...base, ts: 0 }, false],
      [{ ...base, level_pct: '50' }, false],
      [{ ...base, rssi_dbm: undefined }, true],
      [JSON.parse(`{"ts":1,"seq":1,"on":true,"level_pct":1,"power_w":1,"energy_wh":1,"__proto__":{}}`) as Record<string, unknown>, false],
    ];
    for (const [body, valid] of cases) {
      expect(expectEquivalent(lc.schema, lc.fast!, body), JSON.stringify(body)).toEqual({ fast: valid, zod: valid });
    }
    expect(Object.is(lc.fast!({ ...base, level_pct: -0 }) && (lc.fast!({ ...base, level_pct: -0 }) as { level_pct: number }).level_pct, -0)).toBe(true);
    // An optional key present as undefined is kept, as zod keeps it; an absent one stays absent.
    expect(Object.keys(lc.fast!({ ...base, rssi_dbm: undefined }) as object)).toEqual(['ts', 'seq', 'rssi_dbm', 'on', 'level_pct', 'power_w', 'energy_wh']);
  });
});

describe('compileValidator refuses what it does not fully understand', () => {
  const base = { ts: z.number().int().positive(), level: z.number().min(0).max(100) };
  it.each([
    ['a refine', z.strictObject(base).refine((m) => m.level < 50)],
    ['a refine on a field', z.strictObject({ ...base, level: z.number().refine((n) => n !== 3) })],
    ['a superRefine', z.strictObject(base).superRefine(() => undefined)],
    ['a transform', z.strictObject({ ...base, level: z.number().transform((n) => n / 100) })],
    ['a default', z.strictObject({ ...base, level: z.number().default(0) })],
    ['a pipe', z.strictObject({ ...base, id: z.string().pipe(z.string().min(1)) })],
    ['a preprocess', z.strictObject({ ...base, level: z.preprocess((v) => Number(v), z.number()) })],
    ['a catch', z.strictObject({ ...base, level: z.number().catch(0) })],
    ['a coercion', z.strictObject({ ...base, level: z.coerce.number() })],
    ['a multipleOf', z.strictObject({ ...base, level: z.number().multipleOf(5) })],
    ['a string length', z.strictObject({ ...base, id: z.string().min(2) })],
    ['a string format', z.strictObject({ ...base, id: z.email() })],
    ['an exact optional', z.strictObject({ ...base, level: z.exactOptional(z.number()) })],
    ['a loose object', z.looseObject(base)],
    ['a nullable', z.strictObject({ ...base, level: z.number().nullable() })],
    ['a discriminated union', z.discriminatedUnion('k', [z.strictObject({ k: z.literal('a') }), z.strictObject({ k: z.literal('b') })])],
    ['a union of non-objects', z.union([z.strictObject(base), z.string()])],
    ['a non-object at the top', z.number()],
  ])('%s', (_, schema) => {
    expect(compileValidator(schema)).toBeUndefined();
  });

  it('compiles the same constructs without them, stripping an object that is not strict', () => {
    const fast = compileValidator(z.object(base));
    expect(fast?.({ ts: 1, level: 2, extra: 3 })).toStrictEqual({ ts: 1, level: 2 });
    expect(fast?.({ ts: 1, level: 200 })).toBeUndefined();
  });
});
