import type { ActionResult } from '../action.ts';
import { httpOutcome } from './http-outcome.ts';
import { fetchOutbound, type OutboundDeps, type OutboundRequest } from './outbound.ts';

/** Sends one HTTP attempt (fetchOutbound) and classifies the response (see httpOutcome). */
export async function sendHttp(deps: OutboundDeps, request: OutboundRequest): Promise<ActionResult> {
  return httpOutcome(await fetchOutbound(deps, request), deps.now());
}

/** POSTs a JSON body. */
export function postJson(deps: OutboundDeps, url: string, payload: unknown, headers: Record<string, string> = {}): Promise<ActionResult> {
  return sendHttp(deps, { url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
}

/** Header names are case-insensitive: lowercase them so a user's `Content-Type` replaces ours instead of joining it. */
export function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
}
