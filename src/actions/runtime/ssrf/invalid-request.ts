import { PermanentError } from '../../../errors.ts';

/** A URL or header that can't be sent (e.g. a template rendered empty or with a newline) will never work: permanent. */
export class InvalidRequestError extends PermanentError {
  override name = 'InvalidRequestError';
}

export function parseUrl(input: string | URL): URL {
  try {
    return new URL(input);
  } catch {
    throw new InvalidRequestError(invalidUrlProblem(String(input)));
  }
}

/**
 * What is wrong with a URL that does not parse, without repeating it: the error is logged and shown to
 * viewers, and the URL may carry a secret (`${VAR}` resolved into its path or query).
 */
function invalidUrlProblem(text: string): string {
  if (text.trim() === '') return 'invalid URL: it is empty (a template rendered nothing?)';
  if (!/^https?:\/\//i.test(text)) return `invalid URL: it does not start with http:// or https:// (${text.length} characters)`;
  return `invalid URL: its host or port is malformed (${text.length} characters)`;
}

export function buildRequest<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    // Headers and node:http validate names, values and the method synchronously (ERR_INVALID_CHAR, ByteString, …).
    throw new InvalidRequestError(`request cannot be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}
