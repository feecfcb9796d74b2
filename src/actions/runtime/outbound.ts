import type { ActionDeps } from '../action.ts';

export interface OutboundRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export type OutboundDeps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

export const USER_AGENT = 'hookhub/0.1';

/**
 * The one way the hub calls out (actions, provider APIs, chat APIs): through the injected fetch,
 * which the runtime builds SSRF-guarded, with the attempt's abort signal (its timeout), hookhub's
 * user agent, and redirects never followed (a redirect could lead past the guard).
 */
export function fetchOutbound(deps: OutboundDeps, request: OutboundRequest): Promise<Response> {
  return deps.fetch(request.url, {
    method: request.method ?? 'POST',
    headers: { 'user-agent': USER_AGENT, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    redirect: 'manual',
    signal: deps.signal,
  });
}
