import { formatIssuePath } from '@hv/contracts';
import type { FieldIssue } from './api.errors';

/**
 * What no route can serve, whatever its schema says, checked on every string (keys too) of
 * the params, query and body a route declares, before the schemas run:
 * - NUL: PostgreSQL's text and jsonb refuse it (SQLSTATE 22021/22P05), a 500 once stored;
 * - the other C0 controls but tab, line feed and carriage return (free texts and CSV files
 *   hold those): no name, address or id means them, and they break logs and CSV exports;
 * - lone UTF-16 surrogates (`"\ud800"` is valid JSON): not Unicode, silently turned into
 *   U+FFFD on the way to PostgreSQL, so what is stored would not be what was sent;
 * - nesting deeper than MAX_INPUT_DEPTH: no schema nests that deep, and jsonb's parser
 *   stops at its stack depth.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Levels of objects and arrays a request may nest (the deepest schema, a program's exception steps, uses 4). */
export const MAX_INPUT_DEPTH = 20;
/** Issues named per request at most: a body of 10,000 bad strings needs no 10,000-line answer. */
const MAX_ISSUES = 20;

export const CONTROL_MESSAGE = 'must not contain control characters (U+0000 to U+001F other than tab, line feed and carriage return)';
export const SURROGATE_MESSAGE = 'must not contain a lone UTF-16 surrogate (not Unicode text)';

function stringProblem(s: string): string | undefined {
  if (CONTROL.test(s)) return CONTROL_MESSAGE;
  if (LONE_SURROGATE.test(s)) return SURROGATE_MESSAGE;
  return undefined;
}

/** `body` + [attributes, name] → `body.attributes.name`; [items, 1] → `body.items[1]`. */
export function fieldOf(where: string, path: readonly PropertyKey[]): string {
  return path.length ? `${where}.${formatIssuePath(path)}`.replace('.[', '[') : where;
}

/** Every string, key and nesting level of `value` that no route can take, named by its path under `where`. */
export function hostileInputIssues(where: 'params' | 'query' | 'body', value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Iterative, so that a body nested 100,000 deep is refused, not a stack overflow.
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  while (stack.length && issues.length < MAX_ISSUES) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) issues.push({ field: fieldOf(where, path), message: problem });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= MAX_INPUT_DEPTH) {
      issues.push({ field: fieldOf(where, path), message: `nests objects or arrays deeper than ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    const entries: Array<[PropertyKey, unknown]> = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const keyProblem = typeof key === 'string' ? stringProblem(key) : undefined;
      if (keyProblem) issues.push({ field: fieldOf(where, [...path, key]), message: `its name ${keyProblem}` });
      else stack.push({ value: item, path: [...path, key] });
    }
  }
  return issues.slice(0, MAX_ISSUES);
}
