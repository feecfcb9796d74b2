import { PermanentError, RetryableError } from '../../errors.ts';
import type { ActionResult } from '../action.ts';
import { parseRetryAfter } from './retry-after.ts';

/** How much of a response body an attempt record keeps. */
export const RESPONSE_SNIPPET_BYTES = 2_048;

const RETRYABLE_4XX = new Set([408, 425, 429]);

/** A retryable HTTP failure that carries the response snippet for the attempt record. */
export class RetryableHttpError extends RetryableError {
  override name = 'RetryableHttpError';
  constructor(
    message: string,
    delayMs: number | undefined,
    status: number,
    readonly response: string,
  ) {
    super(message, delayMs, status);
  }
}

/** A permanent HTTP failure that carries the response snippet for the attempt record. */
export class PermanentHttpError extends PermanentError {
  override name = 'PermanentHttpError';
  constructor(
    message: string,
    status: number,
    gone: boolean,
    readonly response: string,
  ) {
    super(message, status, gone);
  }
}

/** Reads at most RESPONSE_SNIPPET_BYTES of the body, cut on a character boundary. */
export async function readSnippet(response: Response): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (bytes.length <= RESPONSE_SNIPPET_BYTES) return bytes.toString('utf8');
  // TextDecoder drops a trailing partial sequence instead of emitting U+FFFD garbage mid-character.
  return new TextDecoder('utf-8').decode(bytes.subarray(0, RESPONSE_SNIPPET_BYTES), { stream: true });
}

/**
 * Turns an HTTP response into an ActionResult (2xx) or throws the classified error:
 * 3xx permanent (redirects are never followed), 408/425/429/5xx retryable (honouring Retry-After),
 * 410 permanent and gone, every other 4xx permanent.
 */
export async function httpOutcome(response: Response, now: Date): Promise<ActionResult> {
  const { status } = response;
  const snippet = await readSnippet(response);
  if (status >= 200 && status < 300) return { status, response: snippet };
  if (status >= 300 && status < 400) {
    throw new PermanentHttpError(`HTTP ${status}: redirect to ${redirectTarget(response)} not followed`, status, false, snippet);
  }
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    const delayMs = parseRetryAfter(response.headers.get('retry-after'), now);
    throw new RetryableHttpError(`HTTP ${status}`, delayMs, status, snippet);
  }
  if (status === 410) throw new PermanentHttpError('HTTP 410: destination is gone', status, true, snippet);
  throw new PermanentHttpError(`HTTP ${status}`, status, false, snippet);
}

/**
 * Where a redirect points, by origin only: the message is logged and shown to viewers, and a redirect from
 * http to https keeps the path and query, where a chat webhook URL carries its token.
 */
function redirectTarget(response: Response): string {
  const location = response.headers.get('location');
  if (location === null) return '(no Location)';
  try {
    return `${new URL(location).origin} (path not shown)`;
  } catch {
    return 'another path (not shown)';
  }
}
