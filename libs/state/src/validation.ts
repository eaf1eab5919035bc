import type { z } from 'zod';
import { InvalidInputError } from './state.errors';

/** Parse with a schema, or throw InvalidInputError with one `path: message` line per issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, root?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidInputError(what, result.error.issues.map((issue) => `${formatPath(root, issue.path)}: ${issue.message}`));
}

/** `devices[3].attributes.lat`: the path a provisioning author can find in their file. */
function formatPath(root: string | undefined, path: readonly PropertyKey[]): string {
  let out = root ?? '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(input)';
}
