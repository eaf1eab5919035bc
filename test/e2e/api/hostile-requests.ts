/**
 * Hostile requests derived from the served OpenAPI document: for each operation, each of
 * its path parameters, query parameters and body fields (as deep as the JSON Schema goes),
 * a fixed list of hostile values, each sent in an otherwise valid request. Deterministic:
 * the same document gives the same requests, so a failure names what to replay.
 */

type JsonSchema = Record<string, any>;

export interface Operation {
  /** `POST /api/v1/tenants/{tenant}/devices` */
  op: string;
  method: string;
  template: string;
  params: Array<{ name: string; schema: JsonSchema }>;
  query: Array<{ name: string; required: boolean; schema: JsonSchema }>;
  body?: { csv: true } | { csv: false; schema: JsonSchema };
}

export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, o]) => {
      const parameters = (o.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
      const content = o.requestBody?.content ?? {};
      return {
        op: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        params: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required, schema: p.schema })),
        ...(content['text/csv'] ? { body: { csv: true as const } } : content['application/json'] ? { body: { csv: false as const, schema: content['application/json'].schema } } : {}),
      };
    }),
  );
}

/** The first alternative of a union (anyOf, oneOf, a discriminated union), so that a sample and its fields agree. */
function branch(schema: JsonSchema): JsonSchema {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (!alternatives) return schema;
  return branch(alternatives.find((a: JsonSchema) => a.type !== 'null') ?? alternatives[0]);
}

/** A plausible value for a schema, where the test has no better one: enough to reach the field being mutated. */
export function sampleOf(schema: JsonSchema): unknown {
  const s = branch(schema);
  if ('const' in s) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  if (s.type === 'object' || s.properties) return Object.fromEntries((s.required ?? []).map((k: string) => [k, sampleOf(s.properties?.[k] ?? {})]));
  if (s.type === 'array') return Array.from({ length: s.minItems ?? 0 }, () => sampleOf(s.items ?? {}));
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
  if (s.type === 'boolean') return true;
  if (s.format === 'date-time') return new Date(Date.now() - 2 * 86_400_000).toISOString();
  if (s.format === 'date') return '2026-12-01';
  if (s.format === 'email') return 'astreinte@example.org';
  if (s.format === 'uri') return 'https://hooks.example.org/hv';
  return 'a';
}

export type Path = Array<string | number>;

/** Every field of a body schema with its own schema, as deep as the schema describes (records: a `name` entry). */
export function fieldsOf(schema: JsonSchema, path: Path = [], depth = 0): Array<{ path: Path; schema: JsonSchema; object: boolean }> {
  const s = branch(schema);
  if (depth > 4) return [];
  const out: Array<{ path: Path; schema: JsonSchema; object: boolean }> = [];
  if (s.type === 'object' || s.properties) {
    if (path.length) out.push({ path, schema: s, object: true });
    for (const [key, child] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) out.push(...fieldsOf(child, [...path, key], depth + 1));
    if (s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) out.push(...fieldsOf(s.additionalProperties, [...path, 'name'], depth + 1));
    return out;
  }
  if (s.type === 'array' && s.items) return [{ path, schema: s, object: false }, ...fieldsOf(s.items, [...path, 0], depth + 1)];
  return [{ path, schema: s, object: false }];
}

export function setAt(value: unknown, path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const container: any = Array.isArray(value) ? [...value] : value && typeof value === 'object' ? { ...value } : typeof head === 'number' ? [] : {};
  container[head!] = setAt(container[head!], rest, leaf);
  return container;
}

export function fieldName(where: 'params' | 'query' | 'body', path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${p}`), where);
}

/** A hostile value; `refused`: no route may take it (a 400 naming the field is the only right answer). */
export interface Hostile {
  name: string;
  value: unknown;
  refused: boolean;
  /** As it travels in a URL (percent-encoded), where it differs from encodeURIComponent(String(value)). */
  url?: string;
  /** Only for fields that are dates (format date-time or date). */
  dates?: 'date-time' | 'date';
  /** Only in a JSON body. */
  bodyOnly?: boolean;
}

const nested = (levels: number): unknown => Array.from({ length: levels }).reduce<unknown>((v) => [v], 'x');

export const HOSTILE: readonly Hostile[] = [
  { name: 'NUL', value: 'Lampe\u0000rue', refused: true },
  { name: 'NUL alone', value: '\u0000', refused: true },
  { name: 'backspace', value: 'a\u0008b', refused: true },
  { name: 'ESC sequence', value: '\u001b[31mrouge', refused: true },
  { name: 'vertical tab', value: 'a\u000bb', refused: true },
  { name: 'lone high surrogate', value: 'a\ud800', refused: true, url: 'a%ED%A0%80' },
  { name: 'lone low surrogate', value: '\udc00b', refused: true, url: '%ED%B0%80b' },
  { name: 'overlong NUL (invalid UTF-8)', value: '\ufffd', refused: false, url: '%C0%80' },
  { name: 'tab, CR, LF', value: 'a\tb\r\nc', refused: false },
  { name: 'emoji', value: 'Lampe 💡', refused: false },
  { name: 'huge string', value: 'x'.repeat(200_000), refused: false, bodyOnly: true },
  { name: 'long string', value: 'x'.repeat(4_000), refused: false },
  { name: 'empty string', value: '', refused: false },
  { name: '1e308', value: 1e308, refused: false },
  { name: '-1e308', value: -1e308, refused: false },
  { name: '9e15', value: 9e15, refused: false },
  { name: '-0', value: -0, refused: false },
  { name: '1.5', value: 1.5, refused: false },
  { name: '"NaN"', value: 'NaN', refused: false },
  { name: '"Infinity"', value: 'Infinity', refused: false },
  { name: '"1e400"', value: '1e400', refused: false },
  { name: 'null', value: null, refused: false, bodyOnly: true },
  { name: 'true', value: true, refused: false },
  { name: 'array', value: ['a', 1], refused: false, bodyOnly: true },
  { name: 'object', value: { a: { b: 1 } }, refused: false, bodyOnly: true },
  { name: 'nested 30 deep', value: nested(30), refused: true, bodyOnly: true },
  { name: 'year 0001', value: '0001-01-01T00:00:00Z', refused: true, dates: 'date-time' },
  { name: 'year 1600', value: '1600-06-01T00:00:00Z', refused: true, dates: 'date-time' },
  { name: 'year 1677', value: '1677-09-21T00:00:00Z', refused: true, dates: 'date-time' },
  { name: 'year 2300', value: '2300-01-01T00:00:00Z', refused: true, dates: 'date-time' },
  { name: 'year 9999', value: '9999-12-31T23:59:59Z', refused: true, dates: 'date-time' },
  { name: '9e15 ms', value: 9e15, refused: true, dates: 'date-time' },
  { name: 'day 0001', value: '0001-01-01', refused: true, dates: 'date' },
  { name: 'day 1600', value: '1600-01-01', refused: true, dates: 'date' },
  { name: 'day 2300', value: '2300-01-01', refused: true, dates: 'date' },
];

/** The hostile values that apply to a field of this schema. */
export function hostileFor(schema: JsonSchema, where: 'params' | 'query' | 'body'): Hostile[] {
  const s = branch(schema);
  const format = s.format === 'date-time' || s.format === 'date' ? s.format : undefined;
  return HOSTILE.filter((h) => (h.dates === undefined || h.dates === format) && !(h.bodyOnly && where !== 'body'));
}

/** A value as it travels in a URL. */
export function inUrl(h: Hostile): string {
  if (h.url) return h.url;
  return encodeURIComponent(typeof h.value === 'string' ? h.value : JSON.stringify(h.value));
}

/** True when some issue names `expected`, something inside it, or an enclosing field other than the whole part. */
export function namesField(fields: readonly string[], expected: string): boolean {
  const part = expected.split(/[.[]/)[0]!;
  return fields.some(
    (f) => f === expected || f.startsWith(`${expected}.`) || f.startsWith(`${expected}[`) || (f !== part && (expected.startsWith(`${f}.`) || expected.startsWith(`${f}[`))),
  );
}
