import { DISPLAY_HEADERS } from './display-headers.ts';

/** Header and field names whose values are credentials or signatures: never shown, only their length. */
const SECRET_NAME = /authorization|cookie|secret|token|password|passwd|signature|hmac|api[-_]?key|x-api|private|credential|auth(?!or)/i;

/**
 * Params that are destination URLs, by action: a credential often rides in their path, query or
 * user:password (a Slack incoming webhook's `/services/T/B/secret`, Discord's `/api/webhooks/id/token`, `?token=`).
 */
const URL_PARAMS = new Map<string, readonly string[]>([['webhook', ['url']]]);

/**
 * Params that are outbound header maps, by action: a destination's credential often rides under a
 * name no pattern guesses (`X-Honeycomb-Team`, `X-Hub-Key`, `Circle-Token`), so only the values of
 * the headers request views show (transport, event and id headers) are kept.
 */
const HEADER_PARAMS = new Map<string, readonly string[]>([['webhook', ['headers']]]);
const SHOWN_HEADERS: ReadonlySet<string> = new Set(DISPLAY_HEADERS);

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** What maskValue leaves, and what maskUrl leaves after an origin. */
const MASKED = /^\[redacted, \d+ chars\]$/;

/** What a viewer sees instead of a secret: its length only. A value masked already stays as it is (a backtest masks twice). */
export function maskValue(value: unknown): string {
  if (typeof value === 'string' && MASKED.test(value)) return value;
  const length = typeof value === 'string' ? value.length : JSON.stringify(value ?? '').length;
  return `[redacted, ${length} chars]`;
}

/** Scheme, host and port of an http(s) URL, which is how channel URLs are shown; undefined when it is not one. */
export function urlOrigin(value: string): string | undefined {
  try {
    const { origin } = new URL(value);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * A destination URL as viewers see it: where it goes (its origin), and the length of the rest. A URL
 * it masked already is left as it is, so a result masked twice (its jobs, then the whole) reads the same.
 */
export function maskUrl(value: string): string {
  if (MASKED.test(value)) return value;
  const origin = urlOrigin(value);
  if (origin === undefined) return maskValue(value);
  const after = value.startsWith(origin) ? value.slice(origin.length) : undefined;
  if (after === '/' || (after?.startsWith('/') === true && MASKED.test(after.slice(1)))) return value;
  const { username, password, pathname, search, hash } = new URL(value);
  const userinfo = username === '' && password === '' ? '' : `${username}:${password}@`;
  const rest = `${userinfo}${pathname.replace(/^\//, '')}${search}${hash}`;
  if (rest === '') return value === origin ? origin : `${origin}/`;
  return `${origin}/${maskValue(rest)}`;
}

/**
 * A deep copy of rendered action params with secret-named fields masked (webhook signing secrets, API keys).
 * Any job inside (an object with `action` and `params`, as in a replay or a backtest) has its destination URLs masked too.
 */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretName(key) ? maskValue(item) : redactFields(item, depth + 1);
  }
  if (typeof out.action === 'string') maskDestinationParams(out.action, out.params);
  return out;
}

/** The rendered params of one `action` as viewers see them: redactFields, and its destination URLs and headers masked. */
export function redactParams(action: string | undefined, params: unknown): unknown {
  const out = redactFields(params);
  if (action !== undefined) maskDestinationParams(action, out);
  return out;
}

/** Masks, in place, the URL and header params of `action` in a copy redactFields made. */
function maskDestinationParams(action: string, params: unknown): void {
  if (!isRecord(params)) return;
  for (const key of URL_PARAMS.get(action) ?? []) {
    const url = params[key];
    if (typeof url === 'string') params[key] = maskUrl(url);
  }
  for (const key of HEADER_PARAMS.get(action) ?? []) {
    const headers = params[key];
    if (!isRecord(headers)) continue;
    for (const [name, value] of Object.entries(headers)) if (!SHOWN_HEADERS.has(name.toLowerCase())) headers[name] = maskValue(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
