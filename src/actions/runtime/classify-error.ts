import { PermanentError, RateLimitedError, RetryableError } from '../../errors.ts';

/** What the worker loop does with a failed attempt. */
export interface FailureClass {
  kind: 'retry' | 'permanent' | 'gone';
  message: string;
  status?: number;
  /** Requested delay before the next attempt (Retry-After). */
  delayMs?: number;
  /** A rate limit in other words than a 429 (RateLimitedError): treated as a 429. */
  rateLimited?: true;
  /** The rate limit holds only this job, not its destination (RateLimitedError's jobOnly). */
  jobOnly?: true;
  /** First 2 KB of the response, when there was one. */
  response?: string;
}

/**
 * Classifies an error thrown by `Action.execute`. This and the HTTP layer are the only two
 * places where the error hierarchy is translated. Unknown errors (network, bugs) are retryable.
 */
export function classifyError(error: unknown, timeoutMs: number): FailureClass {
  const response = responseOf(error);
  if (error instanceof PermanentError) {
    return { kind: error.gone ? 'gone' : 'permanent', message: error.message, ...opt('status', error.status), ...response };
  }
  if (error instanceof RetryableError) {
    const limited =
      error instanceof RateLimitedError ? { rateLimited: true as const, ...(error.jobOnly ? { jobOnly: true as const } : {}) } : {};
    return {
      kind: 'retry',
      message: error.message,
      ...opt('status', error.status),
      ...opt('delayMs', error.delayMs),
      ...limited,
      ...response,
    };
  }
  if (isTimeout(error)) return { kind: 'retry', message: `timed out after ${timeoutMs} ms` };
  return { kind: 'retry', message: describe(error) };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${error.message}${cause}`;
}

function responseOf(error: unknown): { response?: string } {
  const response = (error as { response?: unknown } | null)?.response;
  return typeof response === 'string' ? { response } : {};
}

function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
