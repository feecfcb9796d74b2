/**
 * Dotted type globs, as used by rule `on:` and history filters:
 * `*` matches exactly one segment, `**` matches the rest (one or more segments).
 * `github.pull_request.*` matches `github.pull_request.opened`, not `github.pull_request`.
 */
export function matchTypeGlob(pattern: string, type: string): boolean {
  return matchSegments(pattern.split('.'), type.split('.'));
}

function matchSegments(pattern: string[], type: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '**') return type.length > i;
    if (i >= type.length) return false;
    if (p !== '*' && p !== type[i]) return false;
  }
  return pattern.length === type.length;
}

/** The literal prefix of a glob, up to the first wildcard segment: used to index rules. */
export function literalPrefix(pattern: string): string[] {
  const out: string[] = [];
  for (const segment of pattern.split('.')) {
    if (segment === '*' || segment === '**') break;
    out.push(segment);
  }
  return out;
}

export function isValidTypeGlob(pattern: string): boolean {
  const segments = pattern.split('.');
  return segments.every((s, i) => s === '*' || (s === '**' && i === segments.length - 1) || /^[a-z0-9_\-:/]+$/.test(s));
}
