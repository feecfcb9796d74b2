import { RateLimitedError } from '../../errors.ts';
import type { ActionResult } from '../action.ts';
import { httpOutcome, PermanentHttpError, RetryableHttpError } from './http-outcome.ts';
import { fetchOutbound, type OutboundDeps as HttpDeps, type OutboundRequest } from './outbound.ts';

/** Options for classifying a provider API's answer. */
export interface ProviderOutcomeOptions {
  /** Names the provider in messages, e.g. "GitHub". */
  provider: string;
  /** Some APIs signal throttling with a 4xx and a code in the body (Meta's Graph API): retry those. */
  retryableBody?: (body: string) => boolean;
  /**
   * Some APIs signal a rate limit with a 403 and their own headers (GitHub): the delay before trying again,
   * or undefined when the answer is no rate limit. Also read for a retryable answer without Retry-After.
   */
  rateLimitDelay?: (response: Response, body: string, now: Date) => number | undefined;
  /**
   * Some APIs say "rate limited" in the body of any status (Meta's Graph API throttling codes): such an answer
   * is a rate limit (RateLimitedError), waited for `delayMs` when the API says how long, else the job's backoff.
   */
  rateLimit?: (response: Response, body: string) => { delayMs?: number } | undefined;
}

/**
 * Like httpOutcome, but a failure's message carries the provider's own error text verbatim
 * (`HTTP 422 from GitHub: Workflow does not have 'workflow_dispatch' trigger`), so the attempt
 * record and the dead letter say what the provider said.
 */
export async function providerOutcome(response: Response, now: Date, options: ProviderOutcomeOptions): Promise<ActionResult> {
  try {
    return await httpOutcome(response, now);
  } catch (error) {
    const limit = isHttpError(error) ? options.rateLimit?.(response, error.response) : undefined;
    if (isHttpError(error) && limit !== undefined)
      throw new RateLimitedError(withDetail(error, options), limit.delayMs, response.status, error.response);
    if (error instanceof RetryableHttpError) {
      const delayMs = error.delayMs ?? options.rateLimitDelay?.(response, error.response, now);
      throw new RetryableHttpError(withDetail(error, options), delayMs, error.status ?? response.status, error.response);
    }
    if (error instanceof PermanentHttpError) {
      const message = withDetail(error, options);
      const rateLimited = options.rateLimitDelay?.(response, error.response, now);
      if (rateLimited !== undefined) throw new RateLimitedError(message, rateLimited, response.status, error.response);
      if (options.retryableBody?.(error.response)) throw new RetryableHttpError(message, undefined, response.status, error.response);
      throw new PermanentHttpError(message, response.status, error.gone, error.response);
    }
    throw error;
  }
}

function isHttpError(error: unknown): error is RetryableHttpError | PermanentHttpError {
  return error instanceof RetryableHttpError || error instanceof PermanentHttpError;
}

/** Sends and classifies in one step. */
export async function callProvider(deps: HttpDeps, request: OutboundRequest, options: ProviderOutcomeOptions): Promise<ActionResult> {
  return providerOutcome(await fetchOutbound(deps, request), deps.now(), options);
}

function withDetail(error: RetryableHttpError | PermanentHttpError, options: ProviderOutcomeOptions): string {
  const detail = providerErrorMessage(error.response);
  const base = error.message.replace(/^HTTP (\d+)/, `HTTP $1 from ${options.provider}`);
  return detail ? `${base}: ${detail}` : base;
}

/**
 * The provider's error text from a response body, verbatim: `message` (GitHub, GitLab, CircleCI,
 * Bluesky), `error`/`error_description` (Mastodon, Grape), `error.message` (Graph API), GitLab's
 * `{ message: { base: [...] } }`, or the title of an HTML error page (Jenkins).
 */
export function providerErrorMessage(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  try {
    return fromJson(JSON.parse(text) as unknown);
  } catch {
    return fromText(text);
  }
}

function fromJson(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const error = record.error;
  const parts: string[] = [];
  if (error !== null && typeof error === 'object') return fromJson(error);
  if (typeof error === 'string' && typeof record.message === 'string') parts.push(`${error}: ${record.message}`);
  else {
    const message = flatten(record.message);
    if (message) parts.push(message);
    else if (typeof error === 'string') parts.push(error);
  }
  if (typeof record.error_description === 'string') parts.push(record.error_description);
  // GitHub's "Validation Failed" carries the detail in errors[]: https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
  if (Array.isArray(record.errors)) {
    const details = record.errors
      .map((e) => (typeof e === 'string' ? e : (e as { message?: unknown })?.message))
      .filter((m): m is string => typeof m === 'string');
    if (details.length > 0) parts.push(`(${details.join('; ')})`);
  }
  if (typeof record.code === 'number' && parts.length > 0 && typeof record.type === 'string')
    parts.push(`(${record.type} code ${record.code})`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** GitLab validation errors: `{ base: ["Reference not found"] }` → `base: Reference not found`. */
function flatten(message: unknown): string | undefined {
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (message === null || typeof message !== 'object') return undefined;
  return Object.entries(message)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.map(String).join(', ') : String(value)}`)
    .join('; ');
}

function fromText(text: string): string | undefined {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const line = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  if (line === '') return undefined;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** `${base}${path}` without a doubled slash (base URLs are often written with a trailing one). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** A provider's JSON answer as an object ({} when it is not a JSON object). */
export function parseJsonObject(text: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? '') as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
