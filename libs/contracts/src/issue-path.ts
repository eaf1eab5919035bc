/** A zod issue path as people write it: `devices[3].cabinet`, `(root)` for the whole. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Every issue of a failed zod parse, one line each: `faults[2].until_s: must be after at_s`. */
export function formatIssues(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>): string[] {
  return issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
}
