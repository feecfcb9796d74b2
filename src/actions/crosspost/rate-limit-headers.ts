import { parseJsonObject } from '../runtime/provider-response.ts';

/**
 * Graph API error codes that say "too many calls": app (4), user (17), Page (32), per-call (613) and the
 * business use case limits (80001–80014). They come with HTTP 400, 403 or 5xx, seldom 429.
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
 */
const THROTTLING_CODES = new Set([4, 17, 32, 613]);
const BUC_CODES = { from: 80_001, to: 80_014 };

export function isGraphThrottling(body: string): boolean {
  const code = (parseJsonObject(body).error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'number') return false;
  return THROTTLING_CODES.has(code) || (code >= BUC_CODES.from && code <= BUC_CODES.to);
}

/**
 * A Graph throttling answer as a rate limit: the wait is the longest `estimated_time_to_regain_access`
 * (minutes) in `X-Business-Use-Case-Usage` or `X-App-Usage`; none given (the app-level header names
 * none) leaves the job's own backoff. Undefined when the answer is no throttling.
 */
export function graphRateLimit(response: Response, body: string): { delayMs?: number } | undefined {
  if (!isGraphThrottling(body)) return undefined;
  const minutes = ['x-business-use-case-usage', 'x-app-usage'].flatMap((name) => regainMinutes(response.headers.get(name)));
  return minutes.length === 0 ? {} : { delayMs: Math.max(...minutes) * 60_000 };
}

/** Every estimated_time_to_regain_access in a usage header, however nested (BUC nests it per business id, per type). */
function regainMinutes(header: string | null): number[] {
  if (header === null) return [];
  const found: number[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'estimated_time_to_regain_access' && typeof inner === 'number' && inner > 0) found.push(inner);
      else visit(inner);
    }
  };
  try {
    visit(JSON.parse(header));
  } catch {
    return [];
  }
  return found;
}

/**
 * A 429's wait from the reset header Mastodon (`X-RateLimit-Reset`, an ISO date) and Bluesky (`RateLimit-Reset`,
 * epoch seconds) send instead of Retry-After. Only for a 429: both send the header on every answer.
 */
export function resetHeaderDelay(response: Response, _body: string, now: Date): number | undefined {
  if (response.status !== 429) return undefined;
  const raw = response.headers.get('ratelimit-reset') ?? response.headers.get('x-ratelimit-reset');
  if (raw === null) return undefined;
  const at = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) * 1_000 : Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
