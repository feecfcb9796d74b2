/**
 * The error hierarchy. These are translated in exactly two places:
 * the HTTP layer (src/ingress) and the worker loop (src/actions/runtime).
 * Anything that is not one of these is treated as retryable.
 */

/** A problem in hookhub.yaml or a rules file. `where` is `file:line:col` when known. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(where ? `${where}: ${message}` : message);
  }
}

/**
 * What kind of check refused a request, so the hub can tell the operator what to look at.
 * It names config keys and numbers only: never a secret, a token or a signature.
 */
export type VerificationFailure =
  /**
   * A signature or token arrived but matches no configured value. `signs` is what the provider's
   * signature covers (`token`: the value itself is sent); `setting` is the config key checked
   * (default: the connector's first secret field).
   */
  | { kind: 'mismatch'; signs: 'body' | 'url' | 'token'; setting?: string }
  /** A header or field that verification needs is absent; `setting` as for `mismatch`. */
  | { kind: 'missing'; setting?: string }
  /** It is there but not in the provider's format. */
  | { kind: 'malformed' }
  /** The signature verified, but the body's own hash did not: the body changed after signing. */
  | { kind: 'altered' }
  /** A signed timestamp outside the window: `skewSec` behind the hub's clock (negative: ahead of it). */
  | { kind: 'stale'; skewSec: number; toleranceSec: number }
  /** The connector has nothing to verify with; `setting` is the config key to set. */
  | { kind: 'unconfigured'; setting?: string };

/** The request is not from who it claims to be: bad/missing signature, stale timestamp. HTTP 401. */
export class VerificationError extends Error {
  override name = 'VerificationError';
  constructor(
    message: string,
    /** Absent: the hub gives a general hint. */
    readonly failure?: VerificationFailure,
  ) {
    super(message);
  }
}

/** The request is authentic (or not yet checked) but its body cannot be used. HTTP 400. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** A failure worth trying again, optionally after `delayMs` (e.g. from Retry-After). */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(
    message: string,
    readonly delayMs?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The destination is up and asks us to slow down, in words other than a 429 (GitHub answers a rate limit
 * with a 403 as often): retried after `delayMs` like a 429 (the job's backoff when the destination named
 * no wait), pausing the destination and using no attempt.
 */
export class RateLimitedError extends RetryableError {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    delayMs?: number,
    status?: number,
    /** The start of the answer, for the attempt record. */
    readonly response?: string,
    /**
     * The limit is not the destination's but a source the job reads first (a review reminder reading GitHub
     * before posting to a channel others post to): it holds only this job, and the destination is not paused.
     */
    readonly jobOnly = false,
  ) {
    super(message, delayMs, status);
  }
}

/** A failure that will not get better by retrying (4xx, invalid params). */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(
    message: string,
    readonly status?: number,
    /** 410 Gone: the destination asked never to be called again. */
    readonly gone = false,
  ) {
    super(message);
  }
}
