/**
 * Safe reads from untyped JSON payloads, for normalizers:
 * `pickString(payload, 'pull_request', 'title')` is the string there, or undefined.
 */
export function pick(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A non-empty string at `path`, or undefined. */
export function pickString(value: unknown, ...path: readonly string[]): string | undefined {
  const found = pick(value, ...path);
  return typeof found === 'string' && found.length > 0 ? found : undefined;
}

/** A finite number at `path`, or undefined. */
export function pickNumber(value: unknown, ...path: readonly string[]): number | undefined {
  const found = pick(value, ...path);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

/** The first line of a multi-line text (commit messages, comment bodies), trimmed. */
export function firstLine(text: string | undefined): string | undefined {
  const line = text?.split(/\r?\n/, 1)[0]?.trim();
  return line ? line : undefined;
}
