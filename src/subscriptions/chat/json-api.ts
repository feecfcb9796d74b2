import { httpOutcome } from '../../actions/runtime/http-outcome.ts';
import { fetchOutbound, type OutboundDeps } from '../../actions/runtime/outbound.ts';
import { PermanentError } from '../../errors.ts';

export interface JsonCall {
  url: string;
  method?: string;
  token: string;
  /** `Bearer` (Slack, Mattermost) or `Bot` (Discord). */
  scheme?: 'Bearer' | 'Bot';
  body: unknown;
}

/**
 * One JSON API call (fetchOutbound). Non-2xx answers are classified like every
 * other delivery (429/5xx retry with Retry-After, other 4xx permanent); a 2xx body is parsed whole
 * (chat APIs echo the message, which can be longer than an attempt snippet).
 */
export async function callJsonApi(deps: OutboundDeps, call: JsonCall): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetchOutbound(deps, {
    url: call.url,
    ...(call.method ? { method: call.method } : {}),
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `${call.scheme ?? 'Bearer'} ${call.token}` },
    body: JSON.stringify(call.body),
  });
  if (response.status < 200 || response.status >= 300) {
    await httpOutcome(response, deps.now());
  }
  const text = await response.text();
  try {
    const json: unknown = text.length > 0 ? JSON.parse(text) : {};
    return { status: response.status, json: json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {} };
  } catch {
    throw new PermanentError(`${new URL(call.url).pathname}: answered ${response.status} with a body that is not JSON`, response.status);
  }
}
