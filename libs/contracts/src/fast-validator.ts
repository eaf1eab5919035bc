import type { z } from 'zod';

/**
 * A compiled validator: the data `schema.safeParse(body)` would return when the body is
 * valid, `undefined` when it is not.
 */
export type CompiledValidator = (body: unknown) => unknown;

/**
 * Compiles a zod 4 schema into a plain function, so that the uplink path validates each
 * message without zod's per-field payloads, issue arrays and check loops. It understands
 * only the constructs the device contract is made of — strict or stripping objects, numbers
 * with bounds and integer formats, booleans, enums, literals, strings with regexes, optional
 * fields, unions of objects — and decides each exactly as zod 4 does: a body it accepts is
 * one zod accepts, and its result has the same keys in the same order with the same values
 * (an optional key present as undefined included). Anything else in the schema (refine,
 * transform, default, pipe, catch, coercion, a check or a format it does not know) makes it
 * return `undefined`: no compiled function, the caller keeps zod. Its rejections carry no
 * reason: the caller asks zod for that. Objects are generated code, as zod's own are, with
 * their fields' tests inline.
 */
export function compileValidator(schema: z.ZodType): CompiledValidator | undefined {
  const root = schema as unknown as Zod;
  // At the top only what cannot itself be undefined, so that undefined always means invalid.
  if (root._zod.def.type !== 'object' && root._zod.def.type !== 'union') return undefined;
  const compiled = compile(root);
  if (!compiled || !('node' in compiled)) return undefined;
  const node = compiled.node;
  return (body) => {
    const out = node(body);
    return out === INVALID ? undefined : out;
  };
}

/** The fields of zod 4's internals this compiler reads (`schema._zod`). */
interface Zod {
  _zod: { def: Def; traits: Set<string>; values?: Set<unknown>; optin?: string; optout?: string };
}
interface Def {
  type: string;
  checks?: Zod[];
  coerce?: boolean;
  shape?: Record<string, Zod>;
  catchall?: Zod;
  options?: Zod[];
  innerType?: Zod;
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  format?: string;
  pattern?: unknown;
  when?: unknown;
}

const INVALID: unique symbol = Symbol('invalid');
/** A compiled object or union: the parsed value, or INVALID. */
type Node = (value: unknown) => unknown;
/**
 * A compiled value whose output is its input: a JS expression true when the value held in
 * variable `x` is valid, its constants passed through `c` (bound as `c[i]`).
 */
type Test = (x: string, c: unknown[]) => string;
type Compiled = { node: Node } | { test: Test };

/** zod's ranges of the number formats (util.NUMBER_FORMAT_RANGES). */
const NUMBER_FORMATS: Record<string, readonly [number, number]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/**
 * Whether `inst` is exactly the zod core class whose traits (the `$`-prefixed ones) are
 * `traits`: a subclass (z.int(), z.email(), exactOptional, a discriminated union...) parses
 * differently.
 */
function is(inst: Zod | undefined, ...traits: string[]): inst is Zod {
  if (!inst?._zod?.traits) return false;
  const core = [...inst._zod.traits].filter((t) => t.startsWith('$'));
  return core.length === traits.length && traits.every((t) => inst._zod.traits.has(t));
}

/** A schema's traits: its class's and $ZodType's. */
const isType = (inst: Zod | undefined, trait: string, ...more: string[]): inst is Zod => is(inst, trait, ...more, '$ZodType');

const noChecks = (def: Def): boolean => !def.checks?.length && !def.coerce;

/** `value` as a constant of generated code. */
const constant = (c: unknown[], value: unknown): string => `c[${c.push(value) - 1}]`;

function compile(inst: Zod): Compiled | undefined {
  const def = inst._zod.def;
  switch (def.type) {
    case 'number':
      return isType(inst, '$ZodNumber') && !def.coerce ? numberTest(def.checks ?? []) : undefined;
    case 'boolean':
      return isType(inst, '$ZodBoolean') && noChecks(def) ? { test: (x) => `(typeof ${x} === "boolean")` } : undefined;
    case 'string':
      return isType(inst, '$ZodString') && !def.coerce ? stringTest(def.checks ?? []) : undefined;
    case 'enum':
    case 'literal': {
      // zod's own set of values (SameValueZero: -0 matches 0, and passes as itself).
      const values = inst._zod.values;
      if (!(isType(inst, def.type === 'enum' ? '$ZodEnum' : '$ZodLiteral') && noChecks(def) && values)) return undefined;
      return { test: (x, c) => `${constant(c, values)}.has(${x})` };
    }
    case 'optional': {
      const inner = def.innerType;
      if (!isType(inst, '$ZodOptional') || !noChecks(def) || !inner || inner._zod.optin !== undefined) return undefined;
      const compiled = compile(inner);
      if (!compiled) return undefined;
      if ('test' in compiled) return { test: (x, c) => `(${x} === undefined || ${compiled.test(x, c)})` };
      const node = compiled.node;
      return { node: (v) => (v === undefined ? v : node(v)) };
    }
    case 'object':
      return objectNode(inst);
    case 'union': {
      // Every option an object: none can take undefined, so a missing key stays missing.
      const options = def.options ?? [];
      if (!isType(inst, '$ZodUnion') || !noChecks(def) || options.length === 0 || options.some((o) => o._zod.def.type !== 'object')) return undefined;
      const nodes: Node[] = [];
      for (const option of options) {
        const compiled = compile(option);
        if (!compiled || !('node' in compiled)) return undefined;
        nodes.push(compiled.node);
      }
      // zod's answer is the first option without issues, in order.
      return {
        node: (v) => {
          for (const node of nodes) {
            const out = node(v);
            if (out !== INVALID) return out;
          }
          return INVALID;
        },
      };
    }
    default:
      return undefined;
  }
}

function numberTest(checks: Zod[]): Compiled | undefined {
  // z.number() refuses NaN and ±Infinity before any check; -0 passes as itself.
  const tests: Test[] = [(x) => `Number.isFinite(${x})`];
  for (const check of checks) {
    const c = check._zod.def as unknown as CheckDef;
    if (c.when !== undefined) return undefined;
    if (c.check === 'greater_than' && is(check, '$ZodCheckGreaterThan', '$ZodCheck') && typeof c.value === 'number') {
      const op = c.inclusive ? '>=' : '>';
      const min = c.value;
      tests.push((x, k) => `${x} ${op} ${constant(k, min)}`);
    } else if (c.check === 'less_than' && is(check, '$ZodCheckLessThan', '$ZodCheck') && typeof c.value === 'number') {
      const op = c.inclusive ? '<=' : '<';
      const max = c.value;
      tests.push((x, k) => `${x} ${op} ${constant(k, max)}`);
    } else if (
      c.check === 'number_format' &&
      is(check, '$ZodCheckNumberFormat', '$ZodCheck', '$ZodNumberFormat', '$ZodNumber', '$ZodType') &&
      c.format !== undefined &&
      Object.hasOwn(NUMBER_FORMATS, c.format)
    ) {
      const [min, max] = NUMBER_FORMATS[c.format];
      // An integer format refuses a float, and any integer past 2^53 whatever its own range.
      if (c.format.includes('int')) tests.push((x) => `Number.isSafeInteger(${x})`);
      tests.push((x, k) => `${x} >= ${constant(k, min)} && ${x} <= ${constant(k, max)}`);
    } else {
      return undefined;
    }
  }
  return { test: (x, k) => `(${tests.map((t) => t(x, k)).join(' && ')})` };
}

function stringTest(checks: Zod[]): Compiled | undefined {
  const patterns: RegExp[] = [];
  for (const check of checks) {
    const c = check._zod.def as unknown as CheckDef;
    if (c.when !== undefined || c.check !== 'string_format' || c.format !== 'regex' || !(c.pattern instanceof RegExp)) return undefined;
    if (!is(check, '$ZodCheckRegex', '$ZodCheckStringFormat', '$ZodCheck')) return undefined;
    patterns.push(c.pattern);
  }
  // As zod does, lastIndex reset first: a global or sticky pattern would start where it last stopped.
  const match = (x: string, c: unknown[], p: RegExp): string => {
    const r = constant(c, p);
    return ` && (${r}.lastIndex = 0, ${r}.test(${x}))`;
  };
  return { test: (x, c) => `(typeof ${x} === "string"${patterns.map((p) => match(x, c, p)).join('')})` };
}

function objectNode(inst: Zod): Compiled | undefined {
  const def = inst._zod.def;
  const isObject = isType(inst, '$ZodObjectJIT', '$ZodObject') || isType(inst, '$ZodObject');
  if (!isObject || !noChecks(def) || !def.shape || Object.getOwnPropertySymbols(def.shape).length) return undefined;
  // No catchall strips unknown keys; a z.never() catchall (strictObject) refuses them.
  const strict = def.catchall !== undefined;
  if (strict && !(def.catchall?._zod.def.type === 'never' && isType(def.catchall, '$ZodNever') && noChecks(def.catchall._zod.def))) return undefined;
  const shape = def.shape;
  const keys = Object.keys(shape);
  if (keys.includes('__proto__')) return undefined;
  const c: unknown[] = [INVALID];
  const lines: string[] = [];
  for (const key of keys) {
    const field = shape[key];
    const optional = field._zod.def.type === 'optional';
    // The optional rung zod's object gives an omittable key, and none for a required one.
    if (optional ? field._zod.optin !== 'optional' || field._zod.optout !== 'optional' : field._zod.optin !== undefined) return undefined;
    const compiled = compile(field);
    if (!compiled) return undefined;
    const k = JSON.stringify(key);
    // Presence as zod judges it (`in`, the prototype chain included): a required key must be
    // there; an absent optional key stays absent, a present one is kept even when undefined.
    if (!optional) lines.push(`if (!(${k} in v)) return INVALID;`);
    lines.push(
      'test' in compiled
        ? `x = v[${k}]; if (!(${compiled.test('x', c)})) return INVALID;`
        : `x = ${constant(c, compiled.node)}(v[${k}]); if (x === INVALID) return INVALID;`,
      optional ? `if (${k} in v) out[${k}] = x;` : `out[${k}] = x;`,
    );
  }
  // Generated, like zod's own object parser: a store under a literal key is one cached
  // transition, where a loop over the keys would store through a slow generic path.
  const code = [
    'const INVALID = c[0];',
    'return function (v) {',
    'if (typeof v !== "object" || v === null || Array.isArray(v)) return INVALID;',
    'const out = {}; let x;',
    ...lines,
    // zod's strict check walks for...in too (inherited enumerable keys, an own __proto__);
    // a switch on the known keys is a few pointer comparisons.
    strict ? `for (const k in v) switch (k) { ${keys.map((key) => `case ${JSON.stringify(key)}: `).join('')}break; default: return INVALID; }` : '',
    'return out;',
    '};',
  ].join('\n');
  try {
    return { node: (new Function('c', code) as (c: unknown[]) => Node)(c) };
  } catch {
    // Code generation forbidden (--disallow-code-generation-from-strings): zod then.
    return undefined;
  }
}
