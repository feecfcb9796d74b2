/** Header and field names whose values are credentials or signatures: never shown, only their length. */
const SECRET_NAME = /authorization|cookie|secret|token|password|passwd|signature|hmac|api[-_]?key|x-api|private|credential|auth(?!or)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

function mask(value: unknown): string {
  const length = typeof value === 'string' ? value.length : JSON.stringify(value ?? '').length;
  return `[redacted, ${length} chars]`;
}

/** Request headers with credential values replaced. */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = isSecretName(name) ? mask(text) : text;
  }
  return out;
}

/** A deep copy of rendered action params with secret-named fields masked (webhook signing secrets, API keys). */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretName(key) ? mask(item) : redactFields(item, depth + 1);
  }
  return out;
}
