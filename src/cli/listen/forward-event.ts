import { standardWebhookHeaders } from '../../actions/webhook/signing.ts';
import type { HubEvent } from '../../events/hub-event.ts';
import { providerHeaders } from './provider-headers.ts';

export interface ForwardOptions {
  target: string;
  /** `whsec_…`: signs each request with Standard Webhooks headers. */
  secret: string;
  /** Send the whole CloudEvent (`application/cloudevents+json`) instead of the provider's payload. */
  cloudevents: boolean;
  fetch: typeof fetch;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Tries the local app answers (or times out on) per event, the first included. Default 4 (waits 1 s, 2 s, 4 s). */
  attempts?: number;
  /** Ends the wait for an unreachable app (Ctrl-C). */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Told about each failed try that will be retried. */
  onRetry?: (problem: string, delayMs: number) => void;
}

export interface ForwardResult {
  /** The local app's answer to the last try; absent when it could not be reached. */
  status?: number;
  ms: number;
  tries: number;
  /** Why the event was not delivered. */
  error?: string;
}

/** The request `listen` sends for one event. */
export function forwardRequest(
  event: HubEvent,
  options: Pick<ForwardOptions, 'secret' | 'cloudevents' | 'now'>,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(options.cloudevents ? event : event.data);
  const headers = {
    'content-type': options.cloudevents ? 'application/cloudevents+json' : 'application/json',
    'user-agent': 'hookhub-listen',
    ...(options.cloudevents ? {} : providerHeaders(event)),
    ...standardWebhookHeaders(event.id, body, options.secret, options.now()),
  };
  return { body, headers };
}

/**
 * POSTs one event to the local app, retrying timeouts, 408, 429 and 5xx with backoff, `attempts` times.
 * An app that cannot be reached at all (not running, restarting) is waited for, however long, so
 * that the events behind this one wait too instead of being given up on: the hub still has them.
 * A redirect is reported, never followed: the signed event goes to --forward-to and nowhere else.
 */
export async function forwardEvent(event: HubEvent, options: ForwardOptions): Promise<ForwardResult> {
  const attempts = options.attempts ?? 4;
  let answered = 0;
  for (let tries = 1; ; tries++) {
    // Signed per try: the timestamp must be fresh for the receiver's tolerance check.
    const { body, headers } = forwardRequest(event, options);
    const started = performance.now();
    const outcome = await post(options, body, headers);
    const ms = Math.round(performance.now() - started);
    if (!outcome.unreachable) answered++;
    const problem = outcome.error ?? (retryable(outcome.status) ? `HTTP ${outcome.status}` : undefined);
    if (problem === undefined || outcome.redirected || answered >= attempts) {
      return {
        ...(outcome.status !== undefined ? { status: outcome.status } : {}),
        ms,
        tries,
        ...(problem !== undefined ? { error: problem } : {}),
      };
    }
    const delay = Math.min(1_000 * 2 ** (tries - 1), 10_000);
    options.onRetry?.(problem, delay);
    await options.sleep(delay);
    if (options.signal?.aborted) return { ms, tries, error: problem };
  }
}

async function post(
  options: ForwardOptions,
  body: string,
  headers: Record<string, string>,
): Promise<{ status?: number; error?: string; redirected?: true; unreachable?: true }> {
  try {
    const response = await options.fetch(options.target, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 300 || response.status >= 400) return { status: response.status };
    const location = response.headers.get('location') ?? '(no Location header)';
    const error = `HTTP ${response.status}: the local app redirected to ${location}; not followed (point --forward-to at it)`;
    return { status: response.status, error, redirected: true };
  } catch (err) {
    const reason = reasonOf(err);
    const error = `local app unreachable at ${options.target} (${reason}): is it running? check --forward-to`;
    // A timeout means the app took the request and may have handled it: that try counts.
    return { error, ...(reason === 'timeout' ? {} : { unreachable: true as const }) };
  }
}

function retryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** `ECONNREFUSED`, `timeout`, … from a fetch failure. */
export function reasonOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as Error).name === 'TimeoutError') return 'timeout';
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
