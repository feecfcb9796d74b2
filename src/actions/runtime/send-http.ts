import type { ActionDeps, ActionResult } from '../action.ts';
import { httpOutcome } from './http-outcome.ts';

export interface OutboundRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export const USER_AGENT = 'hookhub/0.1';

/**
 * Sends one HTTP attempt through the injected (SSRF-guarded) fetch, without following redirects,
 * and classifies the response (see httpOutcome).
 */
export async function sendHttp(deps: Pick<ActionDeps, 'fetch' | 'now' | 'signal'>, request: OutboundRequest): Promise<ActionResult> {
  const response = await deps.fetch(request.url, {
    method: request.method ?? 'POST',
    headers: { 'user-agent': USER_AGENT, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: 'manual',
    signal: deps.signal,
  });
  return httpOutcome(response, deps.now());
}

/** POSTs a JSON body. */
export function postJson(
  deps: Pick<ActionDeps, 'fetch' | 'now' | 'signal'>,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<ActionResult> {
  return sendHttp(deps, { url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
}

/** Header names are case-insensitive: lowercase them so a user's `Content-Type` replaces ours instead of joining it. */
export function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
}
