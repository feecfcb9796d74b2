import { createMasker } from './event-view.ts';

/**
 * `error` as it may be logged or printed: its message and stack with `known` (createKnownSecrets: what
 * the hub knows to be secret, in every form) masked, as the workers mask an attempt's error, and nothing
 * else of it but its name and HTTP status. A GitHub RequestError's message quotes GitHub's answer, which
 * may echo the token the request sent, and its `response` holds the whole answer, which a logger would print.
 */
export function maskedError(error: unknown, known: readonly string[]): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const mask = createMasker(known);
  const masked = new Error(mask(original.message));
  masked.name = original.name;
  masked.stack = mask(original.stack ?? masked.stack);
  const status = (original as { status?: unknown }).status;
  return typeof status === 'number' ? Object.assign(masked, { status }) : masked;
}
