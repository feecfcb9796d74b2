import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality for signatures and tokens.
 *
 * Both sides are hashed first so that `timingSafeEqual` always compares two 32-byte digests:
 * it never throws on a length mismatch and the time taken does not depend on where the inputs differ
 * or on how long the attacker's guess is.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}

/** True when any of `received` equals any of `expected`, each comparison constant-time. */
export function safeEqualAny(expected: readonly string[], received: readonly string[]): boolean {
  let found = false;
  // No early exit: every pair is compared, so the timing does not tell which secret matched.
  for (const e of expected) {
    for (const r of received) {
      if (safeEqual(e, r)) found = true;
    }
  }
  return found;
}
