/** Header and field names whose values are credentials or signatures: never shown, only their length. */
const SECRET_NAME = /authorization|cookie|secret|token|password|passwd|signature|hmac|api[-_]?key|x-api|private|credential|auth(?!or)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** What a viewer sees instead of a secret: its length only. */
export function maskValue(value: unknown): string {
  const length = typeof value === 'string' ? value.length : JSON.stringify(value ?? '').length;
  return `[redacted, ${length} chars]`;
}

/** A deep copy of rendered action params with secret-named fields masked (webhook signing secrets, API keys). */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretName(key) ? maskValue(item) : redactFields(item, depth + 1);
  }
  return out;
}
