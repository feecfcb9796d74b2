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

/** The request is not from who it claims to be: bad/missing signature, stale timestamp. HTTP 401. */
export class VerificationError extends Error {
  override name = 'VerificationError';
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
